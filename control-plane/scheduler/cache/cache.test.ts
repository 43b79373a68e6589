import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../api/client/index.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { SchedulerCache } from './cache.ts';

describe('SchedulerCache', () => {
  it('counts an assumed pod at once, confirms it from the informer, and frees it on delete', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode().name('n').obj());
    const pod = makePod().name('p').req({ cpu: '1' }).obj();
    cache.assume(newPodInfo(pod), 'n');
    expect(cache.node('n')!.requested.milliCPU).toBe(1000);
    expect(cache.isAssumed('default/p')).toBe(true);
    cache.addPod({ ...pod, spec: { ...pod.spec!, nodeName: 'n' } });
    expect(cache.isAssumed('default/p')).toBe(false);
    expect(cache.node('n')!.requested.milliCPU).toBe(1000);
    cache.removePod(pod);
    expect(cache.node('n')!.requested.milliCPU).toBe(0);
  });

  it('gives the room back when binding fails', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode().name('n').obj());
    const pi = newPodInfo(makePod().name('p').req({ cpu: '1' }).obj());
    cache.assume(pi, 'n');
    cache.forget(pi.key);
    expect(cache.node('n')!.requested.milliCPU).toBe(0);
    expect(cache.podCount()).toBe(0);
  });

  it('expires an assumed pod the informer never confirms, only after binding finished', () => {
    const clock = new FakeClock();
    const cache = new SchedulerCache({ clock, assumedPodTtlMs: 1000 });
    cache.addNode(makeNode().name('n').obj());
    const pi = newPodInfo(makePod().name('p').req({ cpu: '1' }).obj());
    cache.assume(pi, 'n');
    clock.step(5000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    cache.finishBinding(pi.key);
    clock.step(999);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    clock.step(1);
    expect(cache.cleanupExpiredAssumedPods()).toEqual(['default/p']);
    expect(cache.node('n')!.requested.milliCPU).toBe(0);
  });

  it('moves a pod the informer reports on another node than assumed', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode().name('a').obj());
    cache.addNode(makeNode().name('b').obj());
    const pod = makePod().name('p').req({ cpu: '1' }).obj();
    cache.assume(newPodInfo(pod), 'a');
    cache.addPod({ ...pod, spec: { ...pod.spec!, nodeName: 'b' } });
    expect(cache.node('a')!.requested.milliCPU).toBe(0);
    expect(cache.node('b')!.requested.milliCPU).toBe(1000);
  });

  it('keeps pods of a node that went away until they go too, without listing the node', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode().name('n').obj());
    const pod = makePod().name('p').req({ cpu: '1' }).node('n').obj();
    cache.addPod(pod);
    cache.removeNode('n');
    expect(cache.nodes()).toEqual([]);
    cache.addNode(makeNode().name('n').obj());
    expect(cache.node('n')!.requested.milliCPU).toBe(1000);
  });

  it('lists nodes zone by zone, round-robin', () => {
    const cache = new SchedulerCache();
    for (const [name, zone] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['a3', 'a'],
      ['b1', 'b'],
      ['c1', 'c'],
      ['c2', 'c'],
    ])
      cache.addNode(makeNode().name(name!).zone(zone!).obj());
    expect(cache.nodes().map((n) => n.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
  });
});
