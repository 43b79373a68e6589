// Where clusters live (contract 7): `$FLOTILLA_HOME`, or `$XDG_DATA_HOME/flotilla` (default
// `~/.local/share/flotilla`), one folder per cluster under `clusters/<name>/`. The cluster's
// folder is also its control plane's data dir (store, pki, tokens, kubeconfig.yaml).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function dataRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env['FLOTILLA_HOME']) return env['FLOTILLA_HOME'];
  return join(env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'flotilla');
}

export function clustersDir(env?: NodeJS.ProcessEnv): string {
  return join(dataRoot(env), 'clusters');
}

export function clusterPaths(name: string, env?: NodeJS.ProcessEnv) {
  const dir = join(clustersDir(env), name);
  return {
    dir,
    spec: join(dir, 'cluster.yaml'),
    nodes: join(dir, 'nodes.json'),
    sshKey: join(dir, 'ssh', 'id_ed25519'),
    events: join(dir, 'events.jsonl'),
    supervisorPid: join(dir, 'supervisor.pid'),
    supervisorLog: join(dir, 'supervisor.log'),
    supervisorSocket: supervisorSocketPath(dir),
    kubeconfig: join(dir, 'kubeconfig.yaml'),
    /** Image archives loaded with `image load`, imported into nodes added later. */
    images: join(dir, 'images.json'),
  };
}

/** A unix socket in the cluster's folder; on Windows a named pipe (the only local socket it has). */
export function supervisorSocketPath(dir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') return join(dir, 'supervisor.sock');
  return `\\\\.\\pipe\\flotilla-${createHash('sha256').update(dir.toLowerCase()).digest('hex').slice(0, 16)}`;
}

export type ClusterPaths = ReturnType<typeof clusterPaths>;

/**
 * Where a failed create leaves its supervisor log: the rollback removes the cluster's folder,
 * and the log is what says why. The next failed create of the same name replaces it.
 */
export function failedCreateLog(name: string, env?: NodeJS.ProcessEnv): string {
  return join(dataRoot(env), 'logs', `${name}-create.log`);
}

/** Image archives built once for every cluster (the pause image). */
export function imageCacheDir(env?: NodeJS.ProcessEnv): string {
  return join(dataRoot(env), 'images');
}
