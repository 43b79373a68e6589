// Simulated nodes as users meet them: `flotilla simulate nodes` against `flotilla serve`, and
// the library's fail/recover that tests use to kill nodes.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { startSimCluster, type SimCluster } from './sim-cluster.ts';

const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

describe('flotilla simulate nodes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('registers nodes that look like real ones, keeps them alive, and goes silent on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        bin,
        'simulate',
        'nodes',
        '--count',
        '2',
        '--cpu',
        '8',
        '--fail',
        '2',
        '--kubeconfig',
        server.kubeconfig,
        '-o',
        'json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Every JSON line, in order; next(type) waits for one of that type, or fails once output ends.
    const events: any[] = [];
    const waiting: { type: string; ok: (e: any) => void; fail: (err: Error) => void }[] = [];
    let ended = false;
    const settle = () => {
      for (const w of [...waiting]) {
        const e = events.find((x) => x.event === w.type);
        const error = events.find((x) => x.event === 'error');
        if (e) w.ok(e);
        else if (error) w.fail(new Error(error.message));
        else if (ended) w.fail(new Error(`no "${w.type}" line before the output ended; stderr: ${stderr}`));
        else continue;
        waiting.splice(waiting.indexOf(w), 1);
      }
    };
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => {
      events.push(JSON.parse(l));
      settle();
    });
    lines.on('close', () => {
      ended = true;
      settle();
    });
    const next = (type: string) =>
      new Promise<any>((ok, fail) => {
        waiting.push({ type, ok, fail });
        settle();
      });
    try {
      expect(await next('ready')).toMatchObject({ nodes: ['sim-1', 'sim-2'], failed: ['2'] });
      const nodes = JSON.parse(
        (await server.kubectl(['get', 'nodes', '-l', 'type=simulated', '-o', 'json'])).stdout,
      ).items;
      expect(nodes.map((n: any) => n.metadata.name)).toEqual(['sim-1', 'sim-2']);
      const n1 = nodes[0];
      expect(n1.metadata.labels).toMatchObject({
        'kubernetes.io/hostname': 'sim-1',
        'topology.kubernetes.io/zone': 'zone-a',
        type: 'simulated',
      });
      expect(n1.status.capacity).toMatchObject({ cpu: '8', memory: '8Gi', pods: '110' });
      expect(n1.status.nodeInfo.kubeletVersion).toBe('v1.32.0-flotilla-sim');
      expect(n1.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
        status: 'True',
        reason: 'KubeletReady',
      });
      // sim-1 heartbeats; sim-2 was registered silent from the start.
      const leases = JSON.parse(
        (await server.kubectl(['get', 'leases', '-n', 'kube-node-lease', '-o', 'json'])).stdout,
      ).items;
      expect(leases.map((l: any) => l.metadata.name)).toEqual(['sim-1']);
      expect(leases[0].spec).toMatchObject({ holderIdentity: 'sim-1', leaseDurationSeconds: 40 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await next('stopped')).toMatchObject({ signal: 'SIGTERM' });
    const code = await new Promise((ok) =>
      child.exitCode !== null ? ok(child.exitCode) : child.once('exit', ok),
    );
    expect(code).toBe(0);
  });

  it('explains what is missing when there is no cluster to talk to', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'simulate', 'nodes', '--count', '1', '--kubeconfig', '/nonexistent/kubeconfig'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((ok) => child.once('exit', ok));
    expect(code).toBe(2);
    expect(stderr).toContain('no kubeconfig at /nonexistent/kubeconfig');
  });
});

describe('failing and recovering a simulated node', () => {
  let c: SimCluster;
  beforeAll(async () => {
    c = await startSimCluster({ count: 2 });
  });
  afterAll(async () => {
    await c?.stop();
  });

  const renewTime = async (node: string) =>
    (await c.client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-node-lease').get(node)).spec
      .renewTime as string;

  it('a failed node stops renewing its lease and reporting its pods; recovered, it catches up', async () => {
    const before = await renewTime('sim-2');
    await waitFor(async () => (await renewTime('sim-2')) !== before, 30_000, 'sim-2 to renew its lease');
    await c.sim.fail('sim-2');
    const frozen = await renewTime('sim-2');
    const alive = await renewTime('sim-1');
    await waitFor(async () => (await renewTime('sim-1')) !== alive, 30_000, 'sim-1 to keep renewing');
    await waitFor(
      async () => (await renewTime('sim-1')) !== alive && (await renewTime('sim-1')) > frozen,
      30_000,
      'sim-1 newer than sim-2',
    );
    expect(await renewTime('sim-2')).toBe(frozen);

    // A pod bound to the dead node stays as the scheduler left it.
    const pods = c.client.resource('v1', 'Pod').namespace('default');
    await pods.create({
      metadata: { name: 'stuck' },
      spec: { nodeName: 'sim-2', containers: [{ name: 'c', image: 'nginx' }] },
    });
    await pods.create({
      metadata: { name: 'fine' },
      spec: { nodeName: 'sim-1', containers: [{ name: 'c', image: 'nginx' }] },
    });
    await c.waitPod('fine', (p) => p?.status?.phase === 'Running', 'Running on sim-1');
    expect(c.pods.get('default/stuck')?.status?.phase).toBe('Pending');
    expect(c.pods.get('default/stuck')?.status?.hostIP).toBeUndefined();

    await c.sim.recover('sim-2');
    await c.waitPod('stuck', (p) => p?.status?.phase === 'Running', 'Running once sim-2 is back');
    await waitFor(async () => (await renewTime('sim-2')) !== frozen, 30_000, 'sim-2 to renew again');
  });
});
