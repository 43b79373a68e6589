// The nft commands kube-proxy's nftables mode needs: one `nft -f -` transaction per sync, and
// the names of the chains and sets in our table (after a restart, to delete leftovers). Runs in
// the current network namespace or, for tests and benchmarks, in the named one.
import { spawn } from 'node:child_process';
import { TABLE } from './base-table.ts';

export interface Nft {
  /** Applies `nft -f` input as one transaction; throws with nft's error when it fails. */
  apply(text: string): Promise<void>;
  /** Chains and sets of `table ip kube-proxy` (empty when it does not exist). */
  listObjects(): Promise<{ chains: string[]; sets: string[] }>;
  /** Deletes `table ip kube-proxy` (switching to another mode); true if it was there. */
  deleteTable(): Promise<boolean>;
}

export function systemNft(opts: { netns?: string } = {}): Nft {
  const run = (args: string[], input: string) => runNft(opts.netns, args, input);
  return {
    async apply(text) {
      const { code, stderr } = await run(['-f', '-'], text);
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

function runNft(
  netns: string | undefined,
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = netns
      ? spawn('nsenter', [`--net=/run/netns/${netns}`, 'nft', ...args], { stdio: 'pipe' })
      : spawn('nft', args, { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
