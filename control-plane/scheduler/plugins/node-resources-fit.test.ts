import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import { NodeResourcesFit } from './names.ts';

const node = (cpu = '4', memory = '8Gi', pods = '110') =>
  makeNode().name('n1').capacity({ cpu, memory, pods }).obj();

describe('NodeResourcesFit filter', () => {
  const cases: {
    name: string;
    pod: ReturnType<typeof makePod>;
    existing?: ReturnType<typeof makePod>[];
    want?: string;
    nodePods?: string;
  }[] = [
    { name: 'fits in an empty node', pod: makePod().req({ cpu: '1', memory: '1Gi' }) },
    { name: 'a pod without requests always fits', pod: makePod() },
    { name: 'too much CPU', pod: makePod().req({ cpu: '5' }), want: 'Insufficient cpu' },
    { name: 'too much memory', pod: makePod().req({ memory: '9Gi' }), want: 'Insufficient memory' },
    {
      name: 'every reason, in upstream order',
      pod: makePod().req({ cpu: '5', memory: '9Gi' }),
      want: 'Insufficient cpu, Insufficient memory',
    },
    {
      name: 'existing pods count',
      pod: makePod().req({ cpu: '2' }),
      existing: [makePod().name('e1').req({ cpu: '3' }).node('n1')],
      want: 'Insufficient cpu',
    },
    {
      name: 'no pod slot left',
      pod: makePod(),
      existing: [makePod().name('e1').node('n1')],
      nodePods: '1',
      want: 'Too many pods',
    },
    {
      name: 'the largest init container counts',
      pod: makePod().req({ cpu: '1' }).initReq({ cpu: '5' }),
      want: 'Insufficient cpu',
    },
    {
      name: 'an init container smaller than the app fits',
      pod: makePod().req({ cpu: '3' }).initReq({ cpu: '2' }),
    },
    {
      name: 'sidecars add to the app containers',
      pod: makePod().req({ cpu: '3' }).initReq({ cpu: '1500m' }, true),
      want: 'Insufficient cpu',
    },
    {
      name: 'pod overhead counts',
      pod: makePod().req({ memory: '7Gi' }).overhead({ memory: '2Gi' }),
      want: 'Insufficient memory',
    },
    { name: 'limits stand in for missing requests', pod: makePod(), want: 'Insufficient cpu' },
    {
      name: 'an extended resource the node lacks',
      pod: makePod().req({ 'example.com/gpu': '1' }),
      want: 'Insufficient example.com/gpu',
    },
  ];
  cases[11]!.pod.container().resources = { limits: { cpu: '8' } };

  it.each(cases)('$name', ({ pod, existing, want, nodePods }) => {
    const f = new Fixture({
      nodes: [node('4', '8Gi', nodePods ?? '110')],
      pods: (existing ?? []).map((p) => p.obj()),
      plugins: [NodeResourcesFit],
    });
    expect(f.filter(pod.obj()).n1).toBe(want);
  });

  it('counts an extended resource the node has', () => {
    const f = new Fixture({
      nodes: [makeNode().name('n1').capacity({ 'example.com/gpu': '2' }).obj()],
      pods: [makePod().name('e').req({ 'example.com/gpu': '1' }).node('n1').obj()],
      plugins: [NodeResourcesFit],
    });
    expect(f.filter(makePod().req({ 'example.com/gpu': '1' }).obj()).n1).toBeUndefined();
    expect(f.filter(makePod().req({ 'example.com/gpu': '2' }).obj()).n1).toBe('Insufficient example.com/gpu');
  });
});

describe('NodeResourcesFit score', () => {
  const nodes = [makeNode().name('empty').obj(), makeNode().name('half').obj()];
  const pods = [makePod().name('e').req({ cpu: '2', memory: '4Gi' }).node('half').obj()];

  it('LeastAllocated (default) prefers the emptier node, by upstream arithmetic', () => {
    const f = new Fixture({ nodes, pods, plugins: [NodeResourcesFit] });
    // empty: cpu (4000-1000)*100/4000 = 75, memory (8-1)/8 = 87 -> (75+87)/2 = 81
    // half:  cpu (4000-3000)*100/4000 = 25, memory (8-5)/8 = 37 -> 31
    expect(f.scores(makePod().req({ cpu: '1', memory: '1Gi' }).obj())).toEqual({ empty: 81, half: 31 });
  });

  it('MostAllocated packs', () => {
    const f = new Fixture({
      nodes,
      pods,
      plugins: [NodeResourcesFit],
      pluginArgs: { [NodeResourcesFit]: { scoringStrategy: { type: 'MostAllocated' } } },
    });
    const s = f.scores(makePod().req({ cpu: '1', memory: '1Gi' }).obj());
    expect(s.half).toBeGreaterThan(s.empty!);
  });

  it('counts pods without requests at 100m and 200Mi when scoring', () => {
    const f = new Fixture({
      nodes: [makeNode().name('n').capacity({ cpu: '1', memory: '1Gi' }).obj()],
      plugins: [NodeResourcesFit],
    });
    // cpu (1000-100)*100/1000 = 90, memory (1024-200)*100/1024 = 80 -> 85
    expect(f.scores(makePod().obj())).toEqual({ n: 85 });
  });

  it('refuses a strategy it does not know', () => {
    expect(
      () =>
        new Fixture({
          nodes,
          plugins: [NodeResourcesFit],
          pluginArgs: { [NodeResourcesFit]: { scoringStrategy: { type: 'Random' } } },
        }),
    ).toThrow(/unknown scoring strategy/);
  });
});
