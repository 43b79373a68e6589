// `flotilla image load FILE.tar`: imports an OCI or Docker image archive into every node's
// containerd, through the node's own `ctr` over SSH, so it works the same for every provider.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connectSsh, shellQuote } from '../provision/install/index.ts';
import { readFileSync } from 'node:fs';
import { readNodes } from './nodes-file.ts';
import { clusterPaths } from './paths.ts';
import { ClusterError, supervisorPid } from './lifecycle.ts';

export interface LoadImageOptions {
  /** Called as each node finishes (or fails). */
  onNode?: (node: string, result: { ok: true; images: string[] } | { ok: false; error: string }) => void;
}

/** Imports the archive into every node; resolves with the image names it held. */
export async function loadImage(
  cluster: string,
  archive: string,
  opts: LoadImageOptions = {},
): Promise<string[]> {
  if (!existsSync(archive)) throw new ClusterError(`no such file: ${archive}`);
  const paths = clusterPaths(cluster);
  if (!existsSync(paths.spec)) throw new ClusterError(`no cluster named ${cluster}`);
  if (!supervisorPid(cluster))
    throw new ClusterError(
      `cluster ${cluster} is not running`,
      undefined,
      `start it: flotilla cluster start ${cluster}`,
    );
  const privateKey = readFileSync(paths.sshKey, 'utf8');
  const nodes = readNodes(paths.nodes);
  let names: string[] = [];
  const failures: string[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      const remote = `/tmp/flotilla-image-${randomBytes(6).toString('hex')}.tar`;
      const ssh = await connectSsh(node, { privateKey }).catch((error: Error) => error);
      if (ssh instanceof Error) {
        failures.push(`${node.name}: ${ssh.message}`);
        opts.onNode?.(node.name, { ok: false, error: ssh.message });
        return;
      }
      try {
        await ssh.upload(archive, remote, 0o600);
        const snapshotter = (node.state as { snapshotter?: string }).snapshotter;
        const ctr = [
          'ctr',
          '--address',
          node.agent.containerRuntimeEndpoint,
          '--namespace',
          'k8s.io',
          'images',
          'import',
          ...(snapshotter ? ['--snapshotter', snapshotter] : []),
          remote,
        ];
        const out = await ssh.run(
          `${ctr.map(shellQuote).join(' ')}; status=$?; rm -f ${shellQuote(remote)}; exit $status`,
        );
        // ctr prints "unpacking <name> (sha256:...)...done" per image.
        const imported = [...out.matchAll(/unpacking (\S+) \(/g)].map((m) => m[1]!);
        names = imported.length > names.length ? imported : names;
        opts.onNode?.(node.name, { ok: true, images: imported });
      } catch (error) {
        failures.push(`${node.name}: ${(error as Error).message}`);
        opts.onNode?.(node.name, { ok: false, error: (error as Error).message });
      } finally {
        ssh.close();
      }
    }),
  );
  if (failures.length > 0)
    throw new ClusterError(`image load failed on ${failures.join('; ')}`, 'image load');
  return names;
}
