// The nft commands kube-proxy's nftables mode needs: one `nft -f` transaction per sync (streamed
// when it is big), and the names of the chains and sets in our table (after a restart, to delete
// leftovers). Runs in the current network namespace or, for tests and benchmarks, in the named one.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { TABLE } from './base-table.ts';

/** `nft -f` input: whole, or in pieces that nft parses while the rest is being built. */
export type NftInput = string | AsyncIterable<string>;

export interface Nft {
  /** Applies `nft -f` input as one transaction; throws with nft's error when it fails. */
  apply(input: NftInput): Promise<void>;
  /** Chains and sets of `table ip kube-proxy` (empty when it does not exist). */
  listObjects(): Promise<{ chains: string[]; sets: string[] }>;
  /** Deletes `table ip kube-proxy` (switching to another mode); true if it was there. */
  deleteTable(): Promise<boolean>;
}

export function systemNft(opts: { netns?: string } = {}): Nft {
  const run = (args: string[], input: NftInput) => runNft(opts.netns, args, input);
  return {
    async apply(input) {
      const { code, stderr } =
        typeof input === 'string'
          ? await run(['-f', '-'], input)
          : await runCommand(opts.netns, PIPED_NFT, input);
      if (code !== 0) throw new Error(`nft failed (exit ${code}): ${stderr.trim().slice(0, 2000)}`);
    },
    async listObjects() {
      // Terse (-t): names without rules or set elements, cheap even with thousands of services.
      const { code, stdout, stderr } = await run(['-t', '-f', '-'], 'list chains ip\nlist sets ip\n');
      if (code !== 0) throw new Error(`nft list failed (exit ${code}): ${stderr.trim()}`);
      return parseObjects(stdout);
    },
    async deleteTable() {
      const { code, stderr } = await run(['-f', '-'], `delete table ip ${TABLE}\n`);
      if (code === 0) return true;
      if (/No such file or directory/.test(stderr)) return false;
      throw new Error(`nft delete table failed (exit ${code}): ${stderr.trim()}`);
    },
  };
}

/** Chain and set names of our table in `nft list chains` / `list sets` output (other tables skipped). */
export function parseObjects(listing: string): { chains: string[]; sets: string[] } {
  const chains: string[] = [];
  const sets: string[] = [];
  let ours = false;
  for (const line of listing.split('\n')) {
    const table = /^table (\S+) (\S+) \{/.exec(line);
    if (table) {
      ours = table[1] === 'ip' && table[2] === TABLE;
      continue;
    }
    if (!ours) continue;
    const object = /^\t(chain|set|map) (\S+) \{/.exec(line);
    if (object?.[1] === 'chain') chains.push(object[2]!);
    else if (object?.[1] === 'set') sets.push(object[2]!);
  }
  return { chains, sets };
}

/**
 * nft 1.0 reads `-f -` (and `-f /dev/stdin`) whole before it parses a byte, to quote lines in its
 * errors; any other path it parses as it arrives. Node gives a child a socket, not a pipe, for
 * stdin, which nft cannot open by path, so `cat` turns it into a pipe: then a full sync's 10,000
 * services are parsed while the rest are still being built.
 */
export const PIPED_NFT = ['sh', '-c', 'cat | nft -f /proc/self/fd/0'];

/** Ends input that failed to build: not valid nft syntax, so nft applies none of it. */
const ABORT = '\nabort: building the rest of this input failed\n';

/**
 * Writes `input` to a child's stdin (waiting for it to drain between pieces) and closes it. If
 * building the pieces throws, the input ends with a syntax error, so nothing of it is applied.
 */
async function feed(stdin: Writable, input: NftInput): Promise<void> {
  // nft may exit early (a syntax error): its exit status says why, not our EPIPE.
  stdin.on('error', () => {});
  if (typeof input === 'string') {
    stdin.end(input);
    return;
  }
  try {
    for await (const piece of input) {
      if (stdin.destroyed) return;
      if (!stdin.write(piece))
        await new Promise<void>((resolve) => {
          const done = () => {
            stdin.off('drain', done);
            stdin.off('close', done);
            resolve();
          };
          stdin.on('drain', done).on('close', done);
        });
    }
  } catch (err) {
    stdin.end(ABORT);
    throw err;
  }
  stdin.end();
}

function runNft(
  netns: string | undefined,
  args: string[],
  input: NftInput,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand(netns, ['nft', ...args], input);
}

/** Runs argv (in the named network namespace, if any) with `input` on its stdin, streamed. */
export function runCommand(
  netns: string | undefined,
  argv: string[],
  input: NftInput,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = netns
      ? spawn('nsenter', [`--net=/run/netns/${netns}`, ...argv], { stdio: 'pipe' })
      : spawn(argv[0]!, argv.slice(1), { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    const fed = feed(child.stdin, input);
    fed.catch(() => {}); // settled below, once nft is gone
    child.on('close', (code) =>
      fed.then(
        () => resolve({ code, stdout, stderr }),
        (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      ),
    );
  });
}
