// Shipping the Node runtime to a node that declares none (AgentHostSettings.nodeBinary unset):
// the node's `uname -m` picks the pinned build, fetched once into this computer's cache and
// uploaded next to the agent. A node already holding that exact build is left alone.
import { ensureNodeRuntime, nodeArchFromUname } from '../runtime/index.ts';
import type { ProvisionedNode } from '../provider.ts';
import { installPaths } from './agent-config.ts';
import { shellQuote, type SshSession } from './ssh.ts';
import { writingOnNode } from './disk-space.ts';

export async function shipNodeRuntime(
  ssh: SshSession,
  node: ProvisionedNode,
  opts: { progress?: (message: string) => void; signal?: AbortSignal } = {},
): Promise<void> {
  const paths = installPaths(node);
  const arch = nodeArchFromUname(await ssh.run('uname -m'));
  const runtime = await ensureNodeRuntime(arch, opts);
  const present = await ssh.exec(`cat ${shellQuote(paths.runtimeId)} 2>/dev/null`);
  if (present.code === 0 && present.stdout.trim() === runtime.id) return;
  opts.progress?.(`uploading the node runtime ${runtime.id}`);
  const staged = `${paths.runtime}.new`;
  try {
    await writingOnNode(ssh, node, paths.runtime, async () => {
      // Upload beside it, then rename: a running agent keeps its (old) executable intact.
      await ssh.upload(runtime.path, staged, 0o755);
      await ssh.run(`mv -f ${shellQuote(staged)} ${shellQuote(paths.runtime)}`);
      await ssh.writeFile(paths.runtimeId, `${runtime.id}\n`, 0o644);
    });
  } catch (error) {
    await ssh.exec(`rm -f ${shellQuote(staged)}`).catch(() => undefined);
    throw error;
  }
}
