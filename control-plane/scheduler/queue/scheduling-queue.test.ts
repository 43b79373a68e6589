import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../api/client/index.ts';
import type { ClusterEvent } from '../framework/interfaces.ts';
import { makePod } from '../testing/builders.ts';
import { SchedulingQueue } from './scheduling-queue.ts';

const events = new Map<string, ReadonlySet<ClusterEvent>>([
  ['NodeResourcesFit', new Set<ClusterEvent>(['Node/Add', 'AssignedPod/Delete'])],
  ['NodeAffinity', new Set<ClusterEvent>(['Node/Add', 'Node/Update'])],
]);

function queue(clock = new FakeClock()) {
  return { clock, q: new SchedulingQueue({ clock, pluginEvents: events }) };
}

/** Pop, then report the pod unschedulable because of these plugins. */
async function failOnce(q: SchedulingQueue, ...plugins: string[]) {
  const p = (await q.pop())!;
  p.unschedulablePlugins = new Set(plugins);
  q.addUnschedulable(p, q.schedulingCycle());
  return p;
}

describe('SchedulingQueue', () => {
  it('pops higher priority first, then older first', async () => {
    const { q, clock } = queue();
    q.add(makePod().name('low').priority(1).obj());
    clock.step(1);
    q.add(makePod().name('high-late').priority(10).obj());
    clock.step(1);
    q.add(makePod().name('low-late').priority(1).obj());
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.pi.pod.metadata!.name);
    expect(order).toEqual(['high-late', 'low', 'low-late']);
  });

  it('wakes a waiting pop when a pod arrives', async () => {
    const { q } = queue();
    const popped = q.pop();
    q.add(makePod().name('a').obj());
    expect((await popped)!.pi.key).toBe('default/a');
  });

  it('retries an unschedulable pod only on an event one of its rejecting plugins cares about', async () => {
    const { q, clock } = queue();
    q.add(makePod().name('a').obj());
    await failOnce(q, 'NodeAffinity');
    // An event from another cycle: moveRequestCycle is older than the pod's failure.
    q.add(makePod().name('other').obj());
    await q.pop();
    q.done('default/other');
    expect(q.counts()).toMatchObject({ unschedulable: 1 });
    q.moveAllToActiveOrBackoffQueue('AssignedPod/Delete');
    expect(q.counts()).toMatchObject({ unschedulable: 1 });
    clock.step(5000); // past its backoff
    q.moveAllToActiveOrBackoffQueue('Node/Update');
    expect(q.counts()).toMatchObject({ unschedulable: 0, active: 1 });
  });

  it('backs off 1 s, 2 s, 4 s ... up to 10 s between attempts', async () => {
    const { q, clock } = queue();
    q.add(makePod().name('a').obj());
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const p = (await q.pop())!;
      p.unschedulablePlugins = new Set(); // an error: straight to backoff
      q.addUnschedulable(p, q.schedulingCycle());
      let waited = 0;
      while (q.counts().active === 0) {
        clock.step(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('sends a pod whose cycle overlapped a cluster event to backoff, not to the unschedulable pool', async () => {
    const { q, clock } = queue();
    q.add(makePod().name('a').obj());
    const p = (await q.pop())!;
    const cycle = q.schedulingCycle();
    q.moveAllToActiveOrBackoffQueue('Node/Add'); // while "a" was being scheduled
    p.unschedulablePlugins = new Set(['NodeAffinity']);
    q.addUnschedulable(p, cycle);
    expect(q.counts()).toMatchObject({ backoff: 1, unschedulable: 0 });
    clock.step(1000);
    expect(q.counts()).toMatchObject({ backoff: 0, active: 1 });
  });

  it('retries a pod that changed while unschedulable', async () => {
    const { q, clock } = queue();
    const pod = makePod().name('a').obj();
    q.add(pod);
    await failOnce(q, 'NodeAffinity');
    clock.step(2000);
    q.update({ ...pod, metadata: { ...pod.metadata, labels: { x: 'y' } } });
    expect(q.counts()).toMatchObject({ active: 1, unschedulable: 0 });
  });

  it('gives unschedulable pods another try after five minutes without events', async () => {
    const { q, clock } = queue();
    q.add(makePod().name('a').obj());
    await failOnce(q, 'NodeAffinity');
    clock.step(4 * 60_000);
    expect(q.counts().unschedulable).toBe(1);
    clock.step(61_000);
    expect(q.counts()).toMatchObject({ unschedulable: 0, active: 1 });
  });

  it('holds pods with scheduling gates until the gates are gone', async () => {
    const { q } = queue();
    const gated = makePod().name('g').schedulingGate('wait').obj();
    q.add(gated);
    expect(q.counts()).toMatchObject({ gated: 1, active: 0 });
    q.update({ ...gated, spec: { ...gated.spec!, schedulingGates: [] } });
    expect(q.counts()).toMatchObject({ gated: 0, active: 1 });
  });

  it('forgets deleted pods wherever they are', async () => {
    const { q } = queue();
    const a = makePod().name('a').obj();
    q.add(a);
    await failOnce(q, 'NodeAffinity');
    q.delete(a);
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0 });
  });

  it('remembers nominations per node', () => {
    const { q } = queue();
    q.add(makePod().name('vip').nominated('n1').obj());
    expect(q.nominatedPods('n1').map((p) => p.key)).toEqual(['default/vip']);
    q.update(makePod().name('vip').nominated('n2').obj());
    expect(q.nominatedPods('n1')).toEqual([]);
    expect(q.nominatedPods('n2').map((p) => p.key)).toEqual(['default/vip']);
  });
});
