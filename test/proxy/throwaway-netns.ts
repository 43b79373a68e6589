// An empty network namespace (loopback up) for tests and benchmarks that program iptables:
// named fpx-<pid>-<random>, so a leftover of a crashed run can be told from a live one.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface ThrowawayNetns {
  name: string;
  /** Runs a command inside it and returns stdout. */
  run(cmd: string, args: string[], input?: string): string;
  remove(): void;
}

export function createThrowawayNetns(): ThrowawayNetns {
  removeStale();
  const name = `fpx-${process.pid.toString(36)}-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  const run = (cmd: string, args: string[], input?: string) =>
    execFileSync('nsenter', [`--net=/run/netns/${name}`, cmd, ...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
  run('ip', ['link', 'set', 'lo', 'up']);
  return { name, run, remove: () => execFileSync('ip', ['netns', 'del', name]) };
}

function removeStale(): void {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of list.split('\n')) {
    const m = /^(fpx-([0-9a-z]+)-[0-9a-f]+)/.exec(line);
    if (!m) continue;
    try {
      process.kill(parseInt(m[2]!, 36), 0);
    } catch {
      execFileSync('ip', ['netns', 'del', m[1]!]);
    }
  }
}
