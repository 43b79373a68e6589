import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import {
  ErrReasonAffinityRulesNotMatch,
  ErrReasonAntiAffinityRulesNotMatch,
  ErrReasonExistingAntiAffinityRulesNotMatch,
} from './inter-pod-affinity.ts';
import { InterPodAffinity } from './names.ts';

const host = 'kubernetes.io/hostname';
const zone = 'topology.kubernetes.io/zone';
const nodes = [
  makeNode().name('a1').zone('a').obj(),
  makeNode().name('a2').zone('a').obj(),
  makeNode().name('b1').zone('b').obj(),
];

const filter = (
  pod: ReturnType<typeof makePod>,
  existing: ReturnType<typeof makePod>[] = [],
  ns?: Record<string, Record<string, string>>,
) =>
  new Fixture({
    nodes,
    pods: existing.map((p) => p.obj()),
    plugins: [InterPodAffinity],
    namespaceLabels: ns,
  }).filter(pod.obj());

describe('InterPodAffinity filter', () => {
  it('required anti-affinity on the hostname keeps replicas apart', () => {
    const web = makePod().name('web-1').labels({ app: 'web' }).node('a1');
    expect(filter(makePod().labels({ app: 'web' }).podAntiAffinity(host, { app: 'web' }), [web])).toEqual({
      a1: ErrReasonAntiAffinityRulesNotMatch,
      a2: undefined,
      b1: undefined,
    });
  });

  it('required anti-affinity on the zone keeps the whole zone free', () => {
    const web = makePod().name('web-1').labels({ app: 'web' }).node('a1');
    const r = filter(makePod().podAntiAffinity(zone, { app: 'web' }), [web]);
    expect(r).toEqual({
      a1: ErrReasonAntiAffinityRulesNotMatch,
      a2: ErrReasonAntiAffinityRulesNotMatch,
      b1: undefined,
    });
  });

  it('required affinity follows the matching pod to its zone', () => {
    const cache = makePod().name('cache').labels({ app: 'cache' }).node('b1');
    expect(filter(makePod().podAffinity(zone, { app: 'cache' }), [cache])).toEqual({
      a1: ErrReasonAffinityRulesNotMatch,
      a2: ErrReasonAffinityRulesNotMatch,
      b1: undefined,
    });
  });

  it('with nothing to follow anywhere, a pod matching its own affinity starts the group', () => {
    const r = filter(makePod().labels({ app: 'db' }).podAffinity(zone, { app: 'db' }));
    expect(r).toEqual({ a1: undefined, a2: undefined, b1: undefined });
    const other = filter(makePod().labels({ app: 'x' }).podAffinity(zone, { app: 'db' }));
    expect(Object.values(other)).toEqual([
      ErrReasonAffinityRulesNotMatch,
      ErrReasonAffinityRulesNotMatch,
      ErrReasonAffinityRulesNotMatch,
    ]);
  });

  it("an existing pod's anti-affinity refuses a newcomer it matches", () => {
    const loner = makePod()
      .name('loner')
      .labels({ app: 'loner' })
      .podAntiAffinity(host, { app: 'web' })
      .node('a2');
    expect(filter(makePod().labels({ app: 'web' }), [loner])).toEqual({
      a1: undefined,
      a2: ErrReasonExistingAntiAffinityRulesNotMatch,
      b1: undefined,
    });
  });

  it('only looks in the namespaces the term names (its own by default)', () => {
    const other = makePod().name('web-x').namespace('other').labels({ app: 'web' }).node('a1');
    expect(filter(makePod().podAntiAffinity(host, { app: 'web' }), [other]).a1).toBeUndefined();
    expect(
      filter(makePod().podAntiAffinity(host, { app: 'web' }, { namespaces: ['other'] }), [other]).a1,
    ).toBe(ErrReasonAntiAffinityRulesNotMatch);
    const bySelector = makePod().podAntiAffinity(
      host,
      { app: 'web' },
      { namespaceSelector: { matchLabels: { team: 'x' } } },
    );
    expect(filter(bySelector, [other], { other: { team: 'x' } }).a1).toBe(ErrReasonAntiAffinityRulesNotMatch);
    expect(filter(bySelector, [other], { other: { team: 'y' } }).a1).toBeUndefined();
  });
});

describe('InterPodAffinity score', () => {
  it('preferred affinity pulls towards the matching pods, preferred anti-affinity pushes away', () => {
    const f = new Fixture({
      nodes,
      pods: [makePod().name('cache').labels({ app: 'cache' }).node('b1').obj()],
      plugins: [InterPodAffinity],
    });
    const toward = f.scores(makePod().preferredPodAffinity(10, zone, { app: 'cache' }).obj());
    expect(toward).toEqual({ a1: 0, a2: 0, b1: 200 });
    const away = f.scores(makePod().preferredPodAffinity(10, zone, { app: 'cache' }, true).obj());
    expect(away).toEqual({ a1: 200, a2: 200, b1: 0 });
  });

  it("counts existing pods' required affinity terms that match the newcomer", () => {
    const f = new Fixture({
      nodes,
      pods: [
        makePod().name('fan').labels({ app: 'fan' }).podAffinity(zone, { app: 'star' }).node('a1').obj(),
      ],
      plugins: [InterPodAffinity],
    });
    expect(f.scores(makePod().labels({ app: 'star' }).obj())).toEqual({ a1: 200, a2: 200, b1: 0 });
  });
});
