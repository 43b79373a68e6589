// Integration-test helpers: start `flotilla serve` as a child process on a free port with a
// temporary data directory, run the real kubectl against it, and make raw HTTPS requests with
// or without credentials. Every suite that needs a running control plane uses these.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const bin = join(repoRoot, 'cli', 'bin.mjs');

export interface StartServerOptions {
  /** Reuse a data directory (restart tests); by default a new temporary one is made and removed by stop(). */
  dataDir?: string;
  /** Extra `flotilla serve` arguments. */
  args?: string[];
  /** How long to wait for the ready line. */
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  input?: string;
  /** Sets KUBECONFIG (server.kubectl does this for you). */
  kubeconfig?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface TestServer {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Path of the admin kubeconfig the server wrote. */
  kubeconfig: string;
  dataDir: string;
  /** Everything the server printed on stderr so far (for failure messages). */
  readonly stderr: string;
  process: ChildProcess;
  /** Run the real kubectl against this server as admin. */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** SIGTERM; resolves with the exit code. Removes the data directory unless it was passed in. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash); removes nothing (call stop() afterwards to clean up). */
  kill9(): Promise<void>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

/** Start `flotilla serve --port 0 --output json` and wait for its ready line. */
export async function startServer(opts: StartServerOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-test-'));
  const dataDir = opts.dataDir ?? join(root, 'data');
  const kubeCache = join(root, 'kube-cache');
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--data-dir', dataDir, '--port', '0', '--output', 'json', ...(opts.args ?? [])],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  // A test that fails or times out before stop() must not leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ api: string; kubeconfig: string }>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`flotilla serve did not become ready in time; stderr:\n${stderr}`)),
      opts.timeoutMs ?? 90_000,
    );
    lines.on('line', (line) => {
      let event: any;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === 'ready') {
        clearTimeout(timer);
        ok(event);
      } else if (event.event === 'error') {
        clearTimeout(timer);
        fail(new Error(`flotilla serve failed: ${event.message}\n${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`flotilla serve exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });
  const url = ready.api;
  // `root` holds kubectl's cache and, unless the caller passed one, the data directory.
  const removeDirs = () => rmSync(root, { recursive: true, force: true });
  return {
    url,
    port: Number(new URL(url).port),
    kubeconfig: ready.kubeconfig,
    dataDir,
    get stderr() {
      return stderr;
    },
    process: child,
    kubectl: (args, kopts = {}) =>
      kubectl(args, {
        ...kopts,
        env: { KUBECONFIG: ready.kubeconfig, KUBECACHEDIR: kubeCache, ...kopts.env },
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited(child);
      removeDirs();
      return code;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** Run the real kubectl (v1.32 on PATH). Never throws for a non-zero exit: tests look at the result. */
export function kubectl(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((done, fail) => {
    const child = spawn('kubectl', ['--request-timeout=60s', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...(opts.kubeconfig ? { KUBECONFIG: opts.kubeconfig } : {}), ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** 'admin' (client certificate, the default), 'none', or a bearer token. */
  as?: 'admin' | 'none' | { token: string };
  timeoutMs?: number;
}

/** A raw HTTPS request to a test server, trusting its CA. */
export function rawRequest(
  server: Pick<TestServer, 'url' | 'dataDir'>,
  req: RawRequest,
): Promise<RawResponse> {
  const pki = join(server.dataDir, 'pki');
  const ca = readFileSync(join(pki, 'ca.crt'));
  const as = req.as ?? 'admin';
  const headers: Record<string, string> = { ...req.headers };
  if (typeof as === 'object') headers['Authorization'] = `Bearer ${as.token}`;
  // Node frames DELETE/OPTIONS bodies only with an explicit length.
  if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
  // The path goes out as given (fuzzing sends paths no URL parser would keep as they are).
  const u = new URL(server.url);
  // Keep-alive, as real clients do: the server then reads and drops the rest of a body it refused
  // (413) instead of closing the connection under a client that is still writing.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<RawResponse>((done, fail) => {
    const r = httpsRequest(
      {
        hostname: u.hostname,
        port: u.port,
        path: req.path,
        method: req.method ?? 'GET',
        headers,
        ca,
        ...(as === 'admin'
          ? { cert: readFileSync(join(pki, 'admin.crt')), key: readFileSync(join(pki, 'admin.key')) }
          : {}),
        agent,
        timeout: req.timeoutMs ?? 60_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          done({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', fail);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`request to ${req.path} timed out`)));
    r.on('error', fail);
    r.end(req.body);
  }).finally(() => agent.destroy());
}

/** Poll until `check` returns a truthy value (or throw after `timeoutMs`). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 60_000,
  what = 'condition',
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface KubectlSession {
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** kubectl that must succeed; returns stdout. */
  k(...args: string[]): Promise<string>;
  /** `kubectl apply -f -` of a manifest (YAML/JSON text, or an object sent as JSON). */
  apply(manifest: unknown): Promise<string>;
}

/** The real kubectl bound to one kubeconfig, with its own discovery cache (so clusters never share one). */
export function kubectlSession(kubeconfig: string, cacheDir: string): KubectlSession {
  const env = { KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir };
  const run = (args: string[], o: KubectlOptions = {}) => kubectl(args, { ...o, env: { ...env, ...o.env } });
  return {
    kubectl: run,
    async k(...args) {
      const r = await run(args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async apply(manifest) {
      const r = await run(['apply', '-f', '-'], {
        input: typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
      });
      if (r.code !== 0) throw new Error(`kubectl apply failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
  };
}
