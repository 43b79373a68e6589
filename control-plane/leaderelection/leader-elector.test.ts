import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, pollUntil } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { startControlPlane, type RunningControlPlane } from '../serve.ts';
import { LeaderElector } from './leader-elector.ts';

let plane: RunningControlPlane;
let client: Client;
let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-le-'));
  plane = await startControlPlane({ dataDir: join(root, 'data'), port: 0, log: () => {}, scheduler: false });
  client = new Client(nodeTransportFromKubeconfig({ kubeconfig: plane.kubeconfigPath }));
});
afterAll(async () => {
  client?.close();
  await plane?.close();
  rmSync(root, { recursive: true, force: true });
});

const timing = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 };

/** Runs an elector; `leading` tells whether its work is running right now. */
function candidate(name: string, identity: string) {
  const elector = new LeaderElector({ client, name, identity, ...timing });
  const ac = new AbortController();
  const state = { leading: false, terms: 0 };
  const done = elector.run(ac.signal, async (signal) => {
    state.leading = true;
    state.terms++;
    await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    state.leading = false;
  });
  return { elector, state, stop: async () => (ac.abort(), await done) };
}

describe('LeaderElector', () => {
  it('lets exactly one candidate lead, and hands over at once on a clean stop', async () => {
    const a = candidate('test-lock', 'a');
    await pollUntil(() => a.state.leading, { timeoutMs: 30_000, description: 'a to lead' });
    const b = candidate('test-lock', 'b');
    // b keeps trying but can not take a fresh lease.
    await new Promise((r) => setTimeout(r, 1000));
    expect([a.state.leading, b.state.leading]).toEqual([true, false]);
    const lease = await client
      .resource('coordination.k8s.io/v1', 'Lease')
      .namespace('kube-system')
      .get('test-lock');
    expect(lease.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 3 });

    await a.stop(); // releases the lease
    await pollUntil(() => b.state.leading, { timeoutMs: 30_000, description: 'b to take over' });
    const after = await client
      .resource('coordination.k8s.io/v1', 'Lease')
      .namespace('kube-system')
      .get('test-lock');
    expect(after.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 0 });
    await b.stop();
  });

  it('takes over a lease whose holder went silent, once it has expired', async () => {
    const leases = client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-system');
    await leases.create({
      metadata: { name: 'crashed-lock' },
      spec: {
        holderIdentity: 'ghost',
        leaseDurationSeconds: 3,
        renewTime: new Date().toISOString().replace('Z', '000Z'),
      },
    });
    const b = candidate('crashed-lock', 'b');
    await pollUntil(() => b.state.leading, {
      timeoutMs: 30_000,
      description: 'b to take over from the ghost',
    });
    const lease = await leases.get('crashed-lock');
    expect(lease.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  it('refuses timings that can not work', () => {
    expect(
      () => new LeaderElector({ client, name: 'x', leaseDurationMs: 1000, renewDeadlineMs: 2000 }),
    ).toThrow(/leaseDuration/);
  });
});
