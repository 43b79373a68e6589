import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import { TaintToleration } from './names.ts';

const tainted = makeNode().name('t').taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }).obj();
const filter = (pod: ReturnType<typeof makePod>) =>
  new Fixture({ nodes: [tainted], plugins: [TaintToleration] }).filter(pod.obj()).t;

describe('TaintToleration filter', () => {
  it.each([
    {
      name: 'an untolerated taint keeps the pod out',
      pod: makePod(),
      want: 'node(s) had untolerated taint {dedicated: gpu}',
    },
    {
      name: 'Equal with the value',
      pod: makePod().toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu' }),
    },
    {
      name: 'Equal with another value',
      pod: makePod().toleration({ key: 'dedicated', value: 'cpu' }),
      want: 'node(s) had untolerated taint {dedicated: gpu}',
    },
    { name: 'Exists on the key', pod: makePod().toleration({ key: 'dedicated', operator: 'Exists' }) },
    {
      name: 'Exists with an empty key tolerates everything',
      pod: makePod().toleration({ operator: 'Exists' }),
    },
    {
      name: 'the effect must match when given',
      pod: makePod().toleration({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }),
      want: 'node(s) had untolerated taint {dedicated: gpu}',
    },
  ])('$name', ({ pod, want }) => {
    expect(filter(pod)).toBe(want);
  });

  it('ignores PreferNoSchedule when filtering', () => {
    const n = makeNode().name('p').taint({ key: 'x', effect: 'PreferNoSchedule' }).obj();
    expect(new Fixture({ nodes: [n], plugins: [TaintToleration] }).filter(makePod().obj()).p).toBeUndefined();
  });
});

describe('TaintToleration score', () => {
  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const nodes = [
      makeNode().name('clean').obj(),
      makeNode().name('one').taint({ key: 'a', effect: 'PreferNoSchedule' }).obj(),
      makeNode()
        .name('two')
        .taint({ key: 'a', effect: 'PreferNoSchedule' })
        .taint({ key: 'b', effect: 'PreferNoSchedule' })
        .obj(),
    ];
    const f = new Fixture({ nodes, plugins: [TaintToleration] });
    // raw counts 0,1,2 -> reversed 100,50,0 -> weight 3
    expect(f.scores(makePod().obj())).toEqual({ clean: 300, one: 150, two: 0 });
    expect(f.scores(makePod().toleration({ key: 'a', operator: 'Exists' }).obj())).toEqual({
      clean: 300,
      one: 300,
      two: 0,
    });
  });
});
