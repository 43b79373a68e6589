// A full disk on a node must not look like a mysterious SFTP "Failure" (OpenSSH's sftp-server
// reports ENOSPC as a bare SSH_FX_FAILURE): when a write fails, ask the node how much room the
// target's file system has left and say so, naming the node and the path.
import type { ProvisionedNode } from '../provider.ts';
import { shellQuote, type SshSession } from './ssh.ts';

export class NoSpaceLeftError extends Error {
  readonly hint: string;
  constructor(
    readonly node: string,
    readonly path: string,
    readonly availableKiB: number | undefined,
  ) {
    super(
      `no space left on node ${node} at ${path}${availableKiB === undefined ? '' : ` (${availableKiB} KiB free)`}`,
    );
    this.name = 'NoSpaceLeftError';
    this.hint = `Free some space on ${node} (or give it a bigger disk) and try again.`;
  }
}

/** Free KiB of the file system holding `path` (its nearest existing parent), if `df` can tell. */
export async function availableKiB(ssh: SshSession, path: string): Promise<number | undefined> {
  const script = `p=${shellQuote(path)}; while [ ! -e "$p" ] && [ "$p" != / ]; do p=$(dirname "$p"); done; df -Pk "$p" | tail -n 1`;
  const result = await ssh.exec(script);
  const avail = Number(result.stdout.trim().split(/\s+/)[3]);
  return result.code === 0 && Number.isFinite(avail) ? avail : undefined;
}

/** Below this, a failed write is put down to a full disk. */
const NEARLY_FULL_KIB = 1024;

/** Runs `write`; if it fails on a (nearly) full file system, throws NoSpaceLeftError instead. */
export async function writingOnNode<T>(
  ssh: SshSession,
  node: ProvisionedNode,
  path: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const message = (error as Error).message ?? '';
    const free = await availableKiB(ssh, path).catch(() => undefined);
    if (/no space left|ENOSPC/i.test(message) || (free !== undefined && free < NEARLY_FULL_KIB))
      throw new NoSpaceLeftError(node.name, path, free);
    throw error;
  }
}
