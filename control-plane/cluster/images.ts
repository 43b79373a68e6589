// `flotilla image load FILE.tar`: imports an OCI or Docker image archive into every node's
// containerd, through the node's own `ctr` over SSH, so it works the same for every provider.
// The archives loaded are remembered (images.json) and imported into nodes added later too.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connectSsh, shellQuote, type SshSession } from '../provision/install/index.ts';
import type { ProvisionedNode } from '../provision/provider.ts';
import { ClusterError, supervisorPid } from './lifecycle.ts';
import { readNodes } from './nodes-file.ts';
import { clusterPaths } from './paths.ts';

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
  let names: string[] = [];
  const failures: string[] = [];
  await Promise.all(
    readNodes(paths.nodes).map(async (node) => {
      try {
        const ssh = await connectSsh(node, { privateKey });
        try {
          const imported = await importArchive(ssh, node, archive);
          names = imported.length > names.length ? imported : names;
          opts.onNode?.(node.name, { ok: true, images: imported });
        } finally {
          ssh.close();
        }
      } catch (error) {
        failures.push(`${node.name}: ${(error as Error).message}`);
        opts.onNode?.(node.name, { ok: false, error: (error as Error).message });
      }
    }),
  );
  if (failures.length > 0)
    throw new ClusterError(`image load failed on ${failures.join('; ')}`, 'image load');
  rememberArchive(paths.images, archive);
  return names;
}

/** Uploads the archive and imports it with the node's ctr; returns the image names. */
export async function importArchive(
  ssh: SshSession,
  node: ProvisionedNode,
  archive: string,
): Promise<string[]> {
  const remote = `/tmp/flotilla-image-${randomBytes(6).toString('hex')}.tar`;
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
  return [...out.matchAll(/unpacking (\S+) \(/g)].map((m) => m[1]!);
}

/** The archives loaded into the cluster so far that still exist. */
export function rememberedArchives(file: string): string[] {
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as string[]).filter((archive) => existsSync(archive));
}

function rememberArchive(file: string, archive: string): void {
  const archives = rememberedArchives(file).filter((a) => a !== archive);
  writeFileSync(file, `${JSON.stringify([...archives, archive], null, 2)}\n`);
}
