import { describe, expect, it } from 'vitest';
import {
  equalIgnoreHash,
  maxUnavailable,
  newRSNewReplicas,
  resolveFenceposts,
  setCondition,
  splitNewAndOld,
  type D,
  type RS,
} from './deployment-util.ts';

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
const dep = (replicas: number, maxSurge?: number | string, maxUnav?: number | string): D => ({
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: maxUnav } },
  },
});
const rs = (name: string, replicas: number, tpl: unknown, created: string): RS => ({
  metadata: { name, creationTimestamp: created },
  spec: { replicas, selector: {}, template: tpl as never },
});

describe('deployment arithmetic', () => {
  it('rounds surge up and unavailability down, like upstream', () => {
    expect(resolveFenceposts(dep(10))).toEqual([3, 2]);
    expect(resolveFenceposts(dep(1))).toEqual([1, 0]);
    expect(resolveFenceposts(dep(4, 0, 0))).toEqual([0, 1]);
    expect(resolveFenceposts(dep(10, '50%', '10%'))).toEqual([5, 1]);
    expect(maxUnavailable(dep(2, 0, 5))).toBe(2);
    expect(maxUnavailable({ ...dep(3), spec: { ...dep(3).spec!, strategy: { type: 'Recreate' } } })).toBe(0);
  });

  it('grows the new ReplicaSet only within the surge budget', () => {
    const d = dep(4, 1, 1);
    const old = rs('old', 4, {}, '2026-01-01T00:00:00Z');
    const fresh = rs('new', 0, template, '2026-01-01T00:01:00Z');
    expect(newRSNewReplicas(d, [old, fresh], fresh)).toBe(1);
    expect(
      newRSNewReplicas(
        d,
        [
          { ...old, spec: { ...old.spec!, replicas: 3 } },
          { ...fresh, spec: { ...fresh.spec!, replicas: 2 } },
        ],
        { ...fresh, spec: { ...fresh.spec!, replicas: 2 } },
      ),
    ).toBe(2);
  });

  it('finds the new ReplicaSet by template, ignoring the pod-template-hash label', () => {
    const hashed = { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
    expect(equalIgnoreHash(hashed, template)).toBe(true);
    const a = rs(
      'a',
      1,
      { ...template, spec: { containers: [{ name: 'c', image: 'old' }] } },
      '2026-01-01T00:00:00Z',
    );
    const b = rs('b', 1, hashed, '2026-01-01T00:01:00Z');
    const { newRS, oldRSs } = splitNewAndOld(dep(1), [b, a]);
    expect(newRS?.metadata?.name).toBe('b');
    expect(oldRSs.map((r) => r.metadata?.name)).toEqual(['a']);
  });

  it('keeps lastTransitionTime when only the reason changes', () => {
    const first = [
      {
        type: 'Progressing',
        status: 'True' as const,
        reason: 'NewReplicaSetCreated',
        lastTransitionTime: 't1',
        lastUpdateTime: 't1',
      },
    ];
    const next = setCondition(first, {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      lastTransitionTime: 't2',
      lastUpdateTime: 't2',
    });
    expect(next[0]).toMatchObject({
      reason: 'ReplicaSetUpdated',
      lastTransitionTime: 't1',
      lastUpdateTime: 't2',
    });
    expect(setCondition(next, { ...next[0]!, lastUpdateTime: 't3' })).toBe(next);
  });
});
