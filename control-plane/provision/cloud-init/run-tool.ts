// VM providers drive a command-line tool (multipass, VBoxManage). This runs one invocation
// and hands back its exit code and output; deciding what an error means is the caller's job.
import { execFile } from 'node:child_process';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ToolMissingError extends Error {
  constructor(readonly tool: string) {
    super(`${tool} is not installed (not found on PATH)`);
    this.name = 'ToolMissingError';
  }
}

export function runTool(
  tool: string,
  args: string[],
  options: { signal?: AbortSignal; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      args,
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        signal: options.signal,
        timeout: options.timeoutMs ?? 0,
        env: options.env ?? process.env,
      },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
          return reject(new ToolMissingError(tool));
        if (error && error.name === 'AbortError') return reject(options.signal?.reason ?? error);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
