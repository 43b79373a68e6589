import { describe, expect, it } from 'vitest';
import { LabelMatcher } from '../../../api/labels/index.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import { PodTopologySpread } from './names.ts';
import { ErrReasonConstraintsNotMatch, ErrReasonNodeLabelNotMatch } from './pod-topology-spread.ts';

const zone = 'topology.kubernetes.io/zone';
const host = 'kubernetes.io/hostname';
const nodes = [
  makeNode().name('a1').zone('a').obj(),
  makeNode().name('a2').zone('a').obj(),
  makeNode().name('b1').zone('b').obj(),
  makeNode().name('c1').zone('c').obj(),
];
const web = (name: string, node: string) => makePod().name(name).labels({ app: 'web' }).node(node).obj();
const spreadPod = (maxSkew = 1, key = zone, extra = {}) =>
  makePod()
    .labels({ app: 'web' })
    .spread(maxSkew, key, 'DoNotSchedule', { matchLabels: { app: 'web' } }, extra)
    .obj();

describe('PodTopologySpread filter', () => {
  it('refuses domains that would exceed maxSkew over the emptiest one', () => {
    const f = new Fixture({ nodes, pods: [web('w1', 'a1'), web('w2', 'b1')], plugins: [PodTopologySpread] });
    // counts: a=1 b=1 c=0; placing in a or b makes skew 2 > 1
    expect(f.filter(spreadPod())).toEqual({
      a1: ErrReasonConstraintsNotMatch,
      a2: ErrReasonConstraintsNotMatch,
      b1: ErrReasonConstraintsNotMatch,
      c1: undefined,
    });
    expect(Object.values(f.filter(spreadPod(2))).every((v) => v === undefined)).toBe(true);
  });

  it('refuses nodes without the topology label, as unresolvable', () => {
    const f = new Fixture({
      nodes: [...nodes, makeNode().name('nolabel').obj()],
      plugins: [PodTopologySpread],
    });
    expect(f.filter(spreadPod()).nolabel).toBe(ErrReasonNodeLabelNotMatch);
  });

  it('minDomains: fewer domains than asked for count as empty ones', () => {
    const f = new Fixture({
      nodes: nodes.slice(0, 3),
      pods: [web('w1', 'a1'), web('w2', 'b1')],
      plugins: [PodTopologySpread],
    });
    // two domains (a, b) each with one pod; minDomains 3 makes the global minimum 0
    expect(Object.values(f.filter(spreadPod(1, zone, { minDomains: 3 })))).toEqual([
      ErrReasonConstraintsNotMatch,
      ErrReasonConstraintsNotMatch,
      ErrReasonConstraintsNotMatch,
    ]);
    expect(Object.values(f.filter(spreadPod(1, zone)))).toEqual([undefined, undefined, undefined]);
  });

  it('does not count nodes the pod can not use (nodeAffinityPolicy Honor)', () => {
    const f = new Fixture({
      nodes,
      pods: [web('w1', 'a1'), web('w2', 'b1')],
      plugins: [PodTopologySpread, 'NodeAffinity'],
    });
    const pod = makePod()
      .labels({ app: 'web' })
      .nodeAffinityIn(zone, ['a', 'b'])
      .spread(1, zone, 'DoNotSchedule', { matchLabels: { app: 'web' } })
      .obj();
    // zone c is not eligible, so the minimum is 1 and a/b are fine
    const r = f.filter(pod);
    expect([r.a1, r.b1]).toEqual([undefined, undefined]);
  });
});

describe('PodTopologySpread score', () => {
  it('ScheduleAnyway prefers emptier domains', () => {
    const f = new Fixture({
      nodes,
      pods: [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')],
      plugins: [PodTopologySpread],
    });
    const s = f.scores(
      makePod()
        .labels({ app: 'web' })
        .spread(1, zone, 'ScheduleAnyway', { matchLabels: { app: 'web' } })
        .obj(),
    );
    expect(s.c1).toBeGreaterThan(s.b1!);
    expect(s.b1).toBeGreaterThan(s.a1!);
    expect(s.a1).toBe(s.a2);
  });

  it("spreads a ReplicaSet's pods over hosts and zones by default", () => {
    const f = new Fixture({
      nodes,
      pods: [web('w1', 'a1'), web('w2', 'a1')],
      plugins: [PodTopologySpread],
      defaultSpreadSelector: () => LabelMatcher.fromSet({ app: 'web' }),
    });
    const s = f.scores(makePod().labels({ app: 'web' }).owner('ReplicaSet', 'web-1').obj());
    expect(s.a1).toBeLessThan(s.a2!);
    expect(s.a2).toBeLessThan(s.b1!);
    expect(s.b1).toBe(s.c1);
  });

  it('pods without owners or services get no default spreading', () => {
    const f = new Fixture({
      nodes,
      pods: [web('w1', 'a1')],
      plugins: [PodTopologySpread],
      defaultSpreadSelector: () => LabelMatcher.everything(),
    });
    expect(new Set(Object.values(f.scores(makePod().obj()))).size).toBe(1);
  });

  it('matchLabelKeys narrows counting to pods with the same label value', () => {
    const old = (name: string, node: string) =>
      makePod().name(name).labels({ app: 'web', hash: 'old' }).node(node).obj();
    const f = new Fixture({ nodes, pods: [old('o1', 'c1'), old('o2', 'c1')], plugins: [PodTopologySpread] });
    const pod = makePod()
      .labels({ app: 'web', hash: 'new' })
      .spread(1, zone, 'DoNotSchedule', { matchLabels: { app: 'web' } }, { matchLabelKeys: ['hash'] })
      .obj();
    expect(Object.values(f.filter(pod)).every((v) => v === undefined)).toBe(true);
  });

  it('uses the hostname constraint per node', () => {
    const f = new Fixture({ nodes, pods: [web('w1', 'a1')], plugins: [PodTopologySpread] });
    const s = f.scores(
      makePod()
        .labels({ app: 'web' })
        .spread(1, host, 'ScheduleAnyway', { matchLabels: { app: 'web' } })
        .obj(),
    );
    expect(s.a1).toBeLessThan(s.a2!);
  });
});
