// `flotilla serve` as a process: it writes a private kubeconfig, keeps every object across a
// restart, ends open watches and exits 0 on SIGTERM, says clearly when its port is taken.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, waitFor, type TestServer } from '../helpers/server.ts';

const dirs: string[] = [];
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-serve-'));
  dirs.push(d);
  return d;
}

const cm = (name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { kept: 'yes' } });

describe('flotilla serve', () => {
  it('writes an admin kubeconfig only its owner can read', async () => {
    const s = await startServer();
    servers.push(s);
    expect(statSync(s.kubeconfig).mode & 0o777).toBe(0o600);
    expect(s.kubeconfig).toBe(join(s.dataDir, 'kubeconfig.yaml'));
    // The UI opens only through the one-time login link (test/ui covers it).
    const ui = await rawRequest(s, { path: '/ui/', as: 'none' });
    expect(ui.status).toBe(401);
  });

  it('keeps every object across a restart, and across a crash', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = await startServer({ dataDir });
    for (const name of ['one', 'two']) {
      const r = await first.kubectl(['create', '-f', '-'], { input: cm(name) });
      expect(r.code, r.stderr).toBe(0);
    }
    const before = JSON.parse((await first.kubectl(['get', 'configmap', 'one', '-o', 'json'])).stdout);
    expect(await first.stop()).toBe(0);

    const second = await startServer({ dataDir });
    const after = JSON.parse((await second.kubectl(['get', 'configmap', 'one', '-o', 'json'])).stdout);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect((await second.kubectl(['create', '-f', '-'], { input: cm('three') })).code).toBe(0);
    await second.kill9();
    await second.stop();

    const third = await startServer({ dataDir });
    const names = (await third.kubectl(['get', 'configmaps', '-o', 'name'])).stdout.trim().split('\n');
    expect(names).toEqual(expect.arrayContaining(['configmap/one', 'configmap/two', 'configmap/three']));
    const namespaces = (await third.kubectl(['get', 'namespaces', '-o', 'name'])).stdout.trim().split('\n');
    expect(namespaces).toEqual(
      expect.arrayContaining([
        'namespace/default',
        'namespace/kube-system',
        'namespace/kube-public',
        'namespace/kube-node-lease',
      ]),
    );
    expect(await third.stop()).toBe(0);
  });

  it('ends open watches and exits 0 on SIGTERM', async () => {
    const s = await startServer();
    const ca = readFileSync(join(s.dataDir, 'pki', 'ca.crt'));
    const cert = readFileSync(join(s.dataDir, 'pki', 'admin.crt'));
    const key = readFileSync(join(s.dataDir, 'pki', 'admin.key'));
    const u = new URL(s.url);
    // The server sends the watch's headers as soon as it is established.
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        {
          hostname: u.hostname,
          port: u.port,
          path: '/api/v1/namespaces/default/configmaps?watch=true',
          ca,
          cert,
          key,
        },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (c: string) => (body += c));
    const watchEnded = new Promise<{ status: number; body: string }>((resolve, reject) => {
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    expect((await s.kubectl(['create', '-f', '-'], { input: cm('seen') })).code).toBe(0);
    await waitFor(() => body.includes('"seen"'), 60_000, 'the ADDED event');
    expect(await s.stop()).toBe(0);
    const watch = await watchEnded;
    expect(watch.status).toBe(200);
    const events = watch.body
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'seen')).toBe(true);
  });

  it('exits 0 on SIGINT (Ctrl+C) too', async () => {
    const s = await startServer();
    const exited = new Promise<number | null>((r) => s.process.once('exit', (code) => r(code)));
    s.process.kill('SIGINT');
    expect(await exited).toBe(0);
    await s.stop();
  });

  it('says so clearly when the port is taken', async () => {
    const s = await startServer();
    servers.push(s);
    const child = spawn(
      process.execPath,
      ['cli/bin.mjs', 'serve', '--data-dir', join(tempDir(), 'other'), '--port', String(s.port)],
      { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${s.port} on 127.0.0.1 is already in use`);
  });
});
