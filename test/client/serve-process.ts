// Runs a real `flotilla serve` as a child process for client integration tests: start on a
// data dir and port, wait for its JSON "ready" line, stop with SIGTERM (as a user would), start
// again on the same data dir and port.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Whether `flotilla serve` is registered in the CLI yet. */
export function serveCommandRegistered(): boolean {
  return /serve/.test(readFileSync(`${repo}cli/commands/index.ts`, 'utf8'));
}

/**
 * A port free right now, below Linux's ephemeral range (32768+) so that no outgoing connection
 * takes it while the server is down between a stop and a restart on the same port.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface ServeProcess {
  readonly kubeconfig: string;
  readonly apiUrl: string;
  readonly child: ChildProcess;
  /** SIGTERM and wait for the exit (SIGKILL if it takes over a minute). */
  stop(): Promise<void>;
}

export async function startServe(opts: {
  dataDir: string;
  port: number;
  timeoutMs?: number;
}): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      `${repo}cli/bin.mjs`,
      'serve',
      '--data-dir',
      opts.dataDir,
      '--port',
      String(opts.port),
      '--output',
      'json',
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  const ready = await new Promise<{ kubeconfig: string; api: string }>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`flotilla serve not ready within ${opts.timeoutMs ?? 120_000}ms; stderr:\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      buf += c;
      for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const ev = JSON.parse(line);
          if (ev.event === 'ready') {
            clearTimeout(timer);
            return resolve(ev);
          }
          if (ev.event === 'error') {
            clearTimeout(timer);
            return reject(new Error(`flotilla serve failed: ${ev.message}`));
          }
        } catch {
          // not one of the JSON event lines
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`flotilla serve exited (${code ?? signal}) before it was ready; stderr:\n${stderr}`));
    });
  });
  return {
    kubeconfig: ready.kubeconfig,
    apiUrl: ready.api,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
