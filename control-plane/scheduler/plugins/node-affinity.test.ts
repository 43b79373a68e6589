import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import { NodeAffinity } from './names.ts';
import { ErrReasonPod } from './node-affinity.ts';

const nodes = [
  makeNode().name('a').labels({ disk: 'ssd', gen: '3' }).obj(),
  makeNode().name('b').labels({ disk: 'hdd', gen: '5' }).obj(),
  makeNode().name('c').obj(),
];
const fits = (pod: ReturnType<typeof makePod>) => {
  const r = new Fixture({ nodes, plugins: [NodeAffinity] }).filter(pod.obj());
  return Object.keys(r).filter((n) => r[n] === undefined);
};

describe('NodeAffinity filter', () => {
  it.each([
    { name: 'no constraints: every node', pod: makePod(), want: ['a', 'b', 'c'] },
    { name: 'nodeSelector', pod: makePod().nodeSelector({ disk: 'ssd' }), want: ['a'] },
    { name: 'In', pod: makePod().nodeAffinityIn('disk', ['ssd', 'hdd']), want: ['a', 'b'] },
    {
      name: 'NotIn (a missing label is not in)',
      pod: makePod().nodeAffinityIn('disk', ['ssd'], 'NotIn'),
      want: ['b', 'c'],
    },
    { name: 'Exists', pod: makePod().nodeAffinityIn('disk', [], 'Exists'), want: ['a', 'b'] },
    { name: 'DoesNotExist', pod: makePod().nodeAffinityIn('disk', [], 'DoesNotExist'), want: ['c'] },
    { name: 'Gt compares integers', pod: makePod().nodeAffinityIn('gen', ['4'], 'Gt'), want: ['b'] },
    { name: 'Lt compares integers', pod: makePod().nodeAffinityIn('gen', ['4'], 'Lt'), want: ['a'] },
    {
      name: 'terms are ORed',
      pod: makePod().nodeAffinityIn('disk', ['ssd']).nodeAffinityIn('gen', ['5']),
      want: ['a', 'b'],
    },
    {
      name: 'nodeSelector and affinity must both hold',
      pod: makePod().nodeSelector({ disk: 'hdd' }).nodeAffinityIn('disk', ['ssd']),
      want: [],
    },
    { name: 'matchFields metadata.name', pod: makePod().nodeAffinityNames('c'), want: ['c'] },
  ])('$name', ({ pod, want }) => {
    expect(fits(pod)).toEqual(want);
  });

  it('says why, in upstream words, and preemption can not help', () => {
    const f = new Fixture({ nodes, plugins: [NodeAffinity, 'DefaultPreemption'] });
    expect(f.schedule(makePod().nodeSelector({ disk: 'nvme' }).obj()).message).toBe(
      `0/3 nodes are available: 3 ${ErrReasonPod}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`,
    );
  });

  it('only looks at the nodes a DaemonSet-style pod is pinned to', () => {
    const f = new Fixture({ nodes, plugins: [NodeAffinity, 'NodeResourcesFit'] });
    const r = f.schedule(makePod().nodeAffinityNames('b').req({ cpu: '9' }).obj());
    expect(r.message).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    );
  });
});

describe('NodeAffinity score', () => {
  it('adds the weights of matching preferred terms, normalized to 0..100', () => {
    const f = new Fixture({ nodes, plugins: [NodeAffinity] });
    const pod = makePod()
      .preferredNodeAffinity(20, 'disk', ['ssd'])
      .preferredNodeAffinity(80, 'gen', ['5'])
      .obj();
    // raw: a 20, b 80, c 0 -> normalized against 80, times weight 2
    expect(f.scores(pod)).toEqual({ a: 50, b: 200, c: 0 });
  });
});
