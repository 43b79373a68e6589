// Runs host tools (ip, iptables, ctr, ...) and reports failures with the command and its stderr.
import { execFile } from 'node:child_process';

export class CommandError extends Error {
  constructor(
    readonly command: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${command.join(' ')} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  /** Text piped to the command's standard input. */
  input?: string;
  timeoutMs?: number;
}

export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          reject(new CommandError([cmd, ...args], code, stderr || error.message));
        } else {
          resolve(stdout);
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like run, but resolves to undefined instead of failing: for idempotent cleanup steps. */
export async function tryRun(
  cmd: string,
  args: string[],
  options: RunOptions = {},
): Promise<string | undefined> {
  try {
    return await run(cmd, args, options);
  } catch {
    return undefined;
  }
}

/** Runs a command inside a network namespace (`ip netns exec`). */
export function runIn(
  namespace: string,
  cmd: string,
  args: string[],
  options: RunOptions = {},
): Promise<string> {
  return run('ip', ['netns', 'exec', namespace, cmd, ...args], options);
}
