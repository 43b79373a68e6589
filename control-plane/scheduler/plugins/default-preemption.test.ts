import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../framework/pod-info.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import { pickOneCandidate, type Candidate } from './default-preemption.ts';

const node = (name: string) => makeNode().name(name).capacity({ cpu: '2', memory: '4Gi' }).obj();
const running = (name: string, nodeName: string, cpu: string, priority: number) =>
  makePod().name(name).req({ cpu }).priority(priority).node(nodeName).obj();

describe('DefaultPreemption', () => {
  it('the exact upstream message when nothing can be evicted', () => {
    const f = new Fixture({ nodes: [node('a'), node('b'), node('c')] });
    expect(f.schedule(makePod().req({ memory: '100Gi' }).obj()).message).toBe(
      '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });

  it('evicts the fewest lowest-priority pods on the best node and nominates it', () => {
    const f = new Fixture({
      nodes: [node('a'), node('b')],
      pods: [
        running('a-low', 'a', '1', 1),
        running('a-mid', 'a', '1', 5),
        running('b-low1', 'b', '1', 1),
        running('b-low2', 'b', '1', 1),
      ],
    });
    const r = f.schedule(makePod().name('vip').req({ cpu: '1' }).priority(10).obj());
    expect(r.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    // Either node needs one priority-1 victim (a-mid is more important than a-low and stays):
    // equal on every criterion, so the first node wins.
    expect(f.preemptions).toEqual([{ preemptor: 'default/vip', node: 'a', victims: ['default/a-low'] }]);
  });

  it('never evicts pods of equal or higher priority', () => {
    const f = new Fixture({ nodes: [node('a')], pods: [running('peer', 'a', '2', 10)] });
    const r = f.schedule(makePod().req({ cpu: '1' }).priority(10).obj());
    expect(r.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    expect(f.preemptions).toEqual([]);
  });

  it('says when evicting everything would still not be enough', () => {
    const f = new Fixture({ nodes: [node('a')], pods: [running('low', 'a', '1', 0)] });
    const r = f.schedule(makePod().req({ cpu: '3' }).priority(10).obj());
    expect(r.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    );
  });

  it('respects preemptionPolicy Never', () => {
    const f = new Fixture({ nodes: [node('a')], pods: [running('low', 'a', '2', 0)] });
    const r = f.schedule(makePod().req({ cpu: '1' }).priority(10).preemptionPolicy('Never').obj());
    expect(r.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('waits for victims still terminating on its nominated node', () => {
    const f = new Fixture({
      nodes: [node('a')],
      pods: [makePod().name('dying').req({ cpu: '2' }).priority(0).node('a').terminating().obj()],
    });
    const r = f.schedule(makePod().req({ cpu: '1' }).priority(10).nominated('a').obj());
    expect(r.message).toMatch(/preemption: not eligible due to a terminating pod on the nominated node\.$/);
  });

  it('keeps the pods it can give back (reprieve), most important first', () => {
    const f = new Fixture({
      nodes: [makeNode().name('a').capacity({ cpu: '3' }).obj()],
      pods: [running('p1', 'a', '1', 1), running('p2', 'a', '1', 2), running('p3', 'a', '1', 3)],
    });
    f.schedule(makePod().name('vip').req({ cpu: '1' }).priority(10).obj());
    expect(f.preemptions[0]!.victims).toEqual(['default/p1']);
  });

  it('preemption keeps pod anti-affinity exact (the victim was what blocked the node)', () => {
    const f = new Fixture({
      nodes: [makeNode().name('a').obj()],
      pods: [makePod().name('rival').labels({ app: 'x' }).priority(0).node('a').obj()],
    });
    const pod = makePod()
      .name('vip')
      .priority(5)
      .podAntiAffinity('kubernetes.io/hostname', { app: 'x' })
      .obj();
    f.schedule(pod);
    expect(f.preemptions).toEqual([{ preemptor: 'default/vip', node: 'a', victims: ['default/rival'] }]);
  });
});

describe('pickOneCandidate', () => {
  const v = (name: string, priority: number, start = '2026-01-01T00:00:00Z') =>
    newPodInfo(makePod().name(name).priority(priority).startTime(start).obj());
  const c = (nodeName: string, ...victims: ReturnType<typeof v>[]): Candidate => ({ nodeName, victims });

  it.each([
    {
      name: 'lowest highest-priority victim',
      cands: [c('a', v('x', 5)), c('b', v('y', 3), v('z', 3))],
      want: 'b',
    },
    {
      name: 'then the lowest sum of priorities',
      cands: [c('a', v('x', 3), v('y', 3)), c('b', v('z', 3), v('w', 1))],
      want: 'b',
    },
    {
      name: 'then the fewest victims',
      cands: [c('a', v('x', 3), v('y', 0)), c('b', v('z', 3), v('w', 0), v('q', 0))],
      want: 'a',
    },
    {
      name: 'then the most recently started top victims',
      cands: [c('a', v('x', 3, '2026-01-01T00:00:00Z')), c('b', v('y', 3, '2026-01-02T00:00:00Z'))],
      want: 'b',
    },
    { name: 'else the first', cands: [c('a', v('x', 3)), c('b', v('y', 3))], want: 'a' },
  ])('$name', ({ cands, want }) => {
    expect(pickOneCandidate(cands).nodeName).toBe(want);
  });
});
