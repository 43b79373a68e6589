// The app API served by a plain HTTP server with the fake cluster library: create, follow the
// progress stream, refuse bad specs, and say so when no cluster library is available.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { fakeClusterLibrary } from './fake-cluster-library.ts';
import { createAppApi, type ClusterLibrary, type ProgressEvent } from './index.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(lib: ClusterLibrary | undefined): Promise<string> {
  const mount = createAppApi({ clusters: async () => lib });
  server = createServer((req, res) => void mount.handle(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

async function readEvents(url: string, until: (e: ProgressEvent[]) => boolean): Promise<ProgressEvent[]> {
  const ctl = new AbortController();
  const res = await fetch(url, { signal: ctl.signal });
  const reader = res.body!.getReader();
  const events: ProgressEvent[] = [];
  let buf = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += Buffer.from(value).toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l) events.push(JSON.parse(l) as ProgressEvent);
  }
  ctl.abort();
  return events;
}

describe('app API: clusters', () => {
  it('creates a cluster and streams every node step until the nodes are Ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-app-api-'));
    writeFileSync(join(dir, 'kubeconfig.yaml'), 'apiVersion: v1\nkind: Config\n');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const base = await serve(fakeClusterLibrary({ kubeconfig: join(dir, 'kubeconfig.yaml') }));
    const created = await fetch(`${base}/app/v1/clusters`, {
      method: 'POST',
      body: JSON.stringify({ name: 'dev', provider: 'netns', nodes: 2 }),
    });
    expect(created.status).toBe(202);
    const events = await readEvents(
      `${base}/app/v1/clusters/dev/progress`,
      (es) => es.filter((e) => e.step === 'node Ready' && e.status === 'done').length === 2,
    );
    expect(events.filter((e) => e.node === 'dev-1').map((e) => e.step)).toEqual([
      'create node',
      'SSH up',
      'install agent',
      'agent up',
      'node Ready',
    ]);
    const list = (await (await fetch(`${base}/app/v1/clusters`)).json()) as { items: { name: string }[] };
    expect(list.items.map((c) => c.name)).toEqual(['dev']);
    const kubeconfig = await fetch(`${base}/app/v1/clusters/dev/kubeconfig`);
    expect(kubeconfig.headers.get('content-disposition')).toBe('attachment; filename="dev.kubeconfig"');
    expect(await kubeconfig.text()).toContain('kind: Config');
  });

  it('ends the stream with the failure, its message and hint', async () => {
    const base = await serve(fakeClusterLibrary({ failNode: 'lab-1' }));
    await fetch(`${base}/app/v1/clusters`, {
      method: 'POST',
      body: JSON.stringify({ name: 'lab', provider: 'netns', nodes: 1 }),
    });
    const events = await readEvents(`${base}/app/v1/clusters/lab/progress`, () => false);
    expect(events.find((e) => e.status === 'failed' && e.node)).toMatchObject({
      step: 'SSH up',
      hint: 'check the provider',
    });
  });

  it('ends the stream with the error of a create that failed without saying so in its events', async () => {
    const base = await serve(fakeClusterLibrary({ crash: 'the cluster supervisor exited early' }));
    await fetch(`${base}/app/v1/clusters`, {
      method: 'POST',
      body: JSON.stringify({ name: 'lab', provider: 'netns', nodes: 1 }),
    });
    const events = await readEvents(`${base}/app/v1/clusters/lab/progress`, () => false);
    expect(events.map((e) => `${e.step} ${e.status}`)).toEqual(['create node done', 'cluster failed']);
    expect(events.at(-1)).toMatchObject({
      message: 'the cluster supervisor exited early',
      hint: 'see the supervisor log',
    });
  });

  it('refuses a bad spec with what to fix, and says when cluster management is not available', async () => {
    const base = await serve(fakeClusterLibrary());
    const bad = await fetch(`${base}/app/v1/clusters`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Bad_Name', provider: 'netns', nodes: 1 }),
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^name:/);
    await new Promise<void>((r) => server!.close(() => r()));
    const none = await serve(undefined);
    const res = await fetch(`${none}/app/v1/clusters`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { hint: string }).hint).toContain('flotilla');
  });
});

describe('app API: doctor', () => {
  it('serves the host checks even when no cluster library is available', async () => {
    const base = await serve(undefined);
    const res = await fetch(`${base}/app/v1/doctor?nodes=3`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { checks: { id: string; message: string }[]; summary: object };
    expect(report.checks.map((c) => c.id)).toContain('routes');
    expect(report.checks.find((c) => c.id === 'disk')?.message).toContain('3 nodes');
    expect(Object.keys(report.summary).sort()).toEqual(['fail', 'ok', 'warn']);
  });
});
