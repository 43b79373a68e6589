import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { LeaderElector, microTime } from './leader-election.ts';
import { startTestApi, type TestApi } from './testing/api.ts';

// Short retries; a lease long enough that a loaded machine never misses a renewal by accident.
const fast = { leaseDurationMs: 10_000, renewDeadlineMs: 6_000, retryPeriodMs: 300 };

describe('LeaderElector', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const lease = (name: string) =>
    api.client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-system').get(name);

  function candidate(name: string, identity: string) {
    const ac = new AbortController();
    const state = { leading: false, terms: 0 };
    const elector = new LeaderElector({
      client: api.client,
      namespace: 'kube-system',
      name,
      identity,
      ...fast,
      onStartedLeading: (signal) => {
        state.leading = true;
        state.terms++;
        signal.addEventListener('abort', () => (state.leading = false));
      },
    });
    const done = elector.run(ac.signal);
    return { elector, state, stop: () => (ac.abort(), done) };
  }

  it('validates its config', () => {
    const base = {
      client: api.client,
      namespace: 'kube-system',
      name: 'x',
      identity: 'a',
      onStartedLeading: () => {},
    };
    expect(() => new LeaderElector({ ...base, identity: '' })).toThrow(/identity is required/);
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 1000, renewDeadlineMs: 2000 })).toThrow(
      /leaseDuration must be greater than renewDeadline/,
    );
  });

  it('lets one of two candidates lead, and hands over when the leader stops', async () => {
    const a = candidate('election-1', 'a');
    await pollUntil(() => a.state.leading, { timeoutMs: 30_000, description: 'a to lead' });
    const b = candidate('election-1', 'b');
    // b keeps trying while a renews: it must not lead (checked over several of its retries).
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, fast.retryPeriodMs));
      expect(b.state.leading).toBe(false);
    }
    expect((await lease('election-1')).spec).toMatchObject({ holderIdentity: 'a', leaseTransitions: 0 });
    await a.stop();
    expect(a.state.leading).toBe(false);
    await pollUntil(() => b.state.leading, { timeoutMs: 30_000, description: 'b to take over' });
    expect((await lease('election-1')).spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(b.elector.currentLeader()).toBe('b');
    await b.stop();
  }, 60_000);

  it('takes over a lease whose holder went silent once it has not changed for the lease duration', async () => {
    const now = Date.now();
    await api.client
      .resource('coordination.k8s.io/v1', 'Lease')
      .namespace('kube-system')
      .create({
        metadata: { name: 'election-2', namespace: 'kube-system' },
        spec: {
          holderIdentity: 'ghost',
          leaseDurationSeconds: 2,
          renewTime: microTime(now),
          acquireTime: microTime(now),
        },
      });
    const c = candidate('election-2', 'c');
    await new Promise((r) => setTimeout(r, 500));
    expect(c.state.leading).toBe(false);
    await pollUntil(() => c.state.leading, { timeoutMs: 30_000, description: 'c to take over from ghost' });
    expect((await lease('election-2')).spec).toMatchObject({ holderIdentity: 'c', leaseTransitions: 1 });
    await c.stop();
    // Released: no holder, so the next candidate need not wait.
    expect((await lease('election-2')).spec.holderIdentity).toBeUndefined();
  }, 60_000);
});
