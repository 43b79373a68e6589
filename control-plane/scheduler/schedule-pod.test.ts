import { describe, expect, it } from 'vitest';
import { numFeasibleNodesToFind } from './schedule-pod.ts';
import { makeNode, makePod } from './testing/builders.ts';
import { Fixture } from './testing/fixture.ts';

describe('numFeasibleNodesToFind', () => {
  it.each([
    { nodes: 50, pct: 0, want: 50 },
    { nodes: 99, pct: 0, want: 99 },
    { nodes: 1000, pct: 0, want: 420 }, // 50 - 1000/125 = 42%
    { nodes: 5000, pct: 0, want: 500 }, // 10%
    { nodes: 10000, pct: 0, want: 500 }, // floor of 5%
    { nodes: 300, pct: 10, want: 100 }, // never fewer than 100
    { nodes: 1000, pct: 100, want: 1000 },
  ])('$nodes nodes at $pct% -> $want', ({ nodes, pct, want }) => {
    expect(numFeasibleNodesToFind(nodes, pct)).toBe(want);
  });
});

describe('PodScheduler', () => {
  const zoneNodes = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      makeNode()
        .name(`n${String(i).padStart(4, '0')}`)
        .zone(`z${i % 3}`)
        .obj(),
    );

  it('spreads identical pods over identical nodes', () => {
    const f = new Fixture({ nodes: zoneNodes(3) });
    const placed = [1, 2, 3].map((i) => f.place(makePod().name(`p${i}`).req({ cpu: '1' }).obj()));
    expect(new Set(placed).size).toBe(3);
  });

  it('looks at a rotating sample of a big cluster, never at fewer than it needs', () => {
    const f = new Fixture({ nodes: zoneNodes(1000) });
    const a = f.schedule(makePod().name('a').obj()).result!;
    expect(a.feasibleNodes).toBe(420);
    const starts = new Set<string>();
    for (let i = 0; i < 5; i++) starts.add(f.place(makePod().name(`p${i}`).req({ cpu: '1' }).obj())!);
    expect(starts.size).toBe(5);
  });

  it('tries the nominated node first', () => {
    const f = new Fixture({ nodes: zoneNodes(3) });
    expect(f.schedule(makePod().name('vip').nominated('n0002').obj()).node).toBe('n0002');
  });

  it('counts pods nominated to a node (with at least this priority) as already there', () => {
    const nodes = [makeNode().name('only').capacity({ cpu: '2' }).obj()];
    const vip = makePod().name('vip').req({ cpu: '2' }).priority(10).nominated('only').obj();
    const f = new Fixture({ nodes, nominated: { only: [vip] } });
    expect(f.schedule(makePod().name('low').req({ cpu: '1' }).priority(1).obj()).message).toMatch(
      /^0\/1 nodes are available: 1 Insufficient cpu\./,
    );
    expect(f.schedule(makePod().name('higher').req({ cpu: '1' }).priority(20).obj()).node).toBe('only');
  });

  it('says so when there are no nodes at all', () => {
    expect(new Fixture({ nodes: [] }).schedule(makePod().obj()).message).toBe(
      'no nodes available to schedule pods',
    );
  });
});
