// Is a process still there, and is it the one we think? Linux answers both from /proc (a zombie
// counts as gone; the command line tells a supervisor from a process that reused its pid).
// macOS and Windows have no /proc: there `kill(pid, 0)` says whether the pid exists, and the
// command line is unknown, so a reused pid can pass for a supervisor until the pid file is
// rewritten (the supervisor's own control socket is the second check where it matters).
import { readFileSync } from 'node:fs';

export function processAlive(pid: number, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line (arguments joined by NUL), or null where the system cannot tell. */
export function processCommandLine(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): string | null | undefined {
  if (platform !== 'linux') return null;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}
