import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, FakeClock, inProcessTransport, silentLogger } from '../../api/client/index.ts';
import { inProcessHandler } from '../apiserver/in-process.ts';
import { backendCases, openHarness, type Harness } from '../apiserver/registry/testing/harness.ts';
import { NodeLeases } from './node-leases.ts';

let h: Harness;
let client: Client;
beforeEach(async () => {
  h = await openHarness(backendCases[0]!);
  client = new Client(inProcessTransport(inProcessHandler({ registries: h.registries })));
});
afterEach(() => h.close());

const leases = () => client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-node-lease');
const renewTimes = async () =>
  Object.fromEntries(
    (await leases().list()).items.map((l) => [l.metadata!.name!, l.spec.renewTime as string]),
  );

describe('NodeLeases', () => {
  it('creates a lease per node, then renews each once per interval, spread over it in batches', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const nl = new NodeLeases({
      client,
      clock,
      logger: silentLogger,
      renewIntervalMs: 10_000,
      ticksPerInterval: 10,
    });
    for (let i = 1; i <= 30; i++) await nl.add(`n${i}`, `uid-${i}`);
    const created = await leases().list();
    expect(created.items).toHaveLength(30);
    expect(created.items[0]!.spec).toMatchObject({ holderIdentity: 'n1', leaseDurationSeconds: 40 });
    expect(created.items[0]!.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-1' },
    ]);

    const ac = new AbortController();
    nl.start(ac.signal);
    const before = await renewTimes();
    // One tick (a tenth of the interval) renews about a tenth of the nodes.
    clock.step(1000);
    await nl.settled();
    const afterOneTick = await renewTimes();
    const renewedInTick = Object.keys(before).filter((n) => afterOneTick[n] !== before[n]);
    expect(renewedInTick).toHaveLength(3);
    // A whole interval renews every node exactly once more.
    for (let t = 0; t < 9; t++) {
      clock.step(1000);
      await nl.settled();
    }
    const afterInterval = await renewTimes();
    expect(Object.keys(before).every((n) => afterInterval[n] !== before[n])).toBe(true);
    ac.abort();
  });

  it('a removed node stops renewing', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const nl = new NodeLeases({
      client,
      clock,
      logger: silentLogger,
      renewIntervalMs: 1000,
      ticksPerInterval: 1,
    });
    await nl.add('alive', 'u1');
    await nl.add('dead', 'u2');
    const ac = new AbortController();
    nl.start(ac.signal);
    await nl.remove('dead');
    const before = await renewTimes();
    clock.step(5000);
    await nl.settled();
    const after = await renewTimes();
    expect(after.dead).toBe(before.dead);
    expect(after.alive).not.toBe(before.alive);
    ac.abort();
  });
});
