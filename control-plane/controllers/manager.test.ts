import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { controllerFactories, resolveControllerNames, startControllerManager } from './manager.ts';
import { startTestApi, type TestApi } from './testing/api.ts';

describe('resolveControllerNames', () => {
  const all = Object.keys(controllerFactories);
  it('runs every controller by default or with *', () => {
    expect(resolveControllerNames(undefined)).toEqual(all);
    expect(resolveControllerNames(['*'])).toEqual(all);
  });
  it('runs only the named ones, or all but the -excluded ones', () => {
    expect(resolveControllerNames(['deployment', 'replicaset'])).toEqual(['deployment', 'replicaset']);
    expect(resolveControllerNames(['*', '-deployment'])).toEqual(all.filter((n) => n !== 'deployment'));
  });
  it('refuses unknown names, listing the known ones', () => {
    expect(() => resolveControllerNames(['*', '-nope'])).toThrow(
      /unknown controllers: -nope \(known: .*replicaset/,
    );
  });
});

describe('controller manager with leader election', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('runs controllers in one of two managers; the other takes over when it stops', async () => {
    const election = { leaseDurationMs: 10_000, renewDeadlineMs: 6_000, retryPeriodMs: 300 };
    const start = (identity: string) =>
      startControllerManager({
        client: api.client,
        controllers: ['replicaset'],
        leaderElection: { ...election, identity },
      });
    const one = start('one');
    await pollUntil(() => one.isLeading() && one.controllers.length === 1, { timeoutMs: 30_000 });
    const two = start('two');
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, election.retryPeriodMs));
      expect(two.isLeading()).toBe(false);
      expect(two.controllers).toEqual([]);
    }
    const lease = await api.client
      .resource('coordination.k8s.io/v1', 'Lease')
      .namespace('kube-system')
      .get('kube-controller-manager');
    expect(lease.spec.holderIdentity).toBe('one');
    await one.stop();
    expect(one.controllers).toEqual([]);
    await pollUntil(() => two.isLeading() && two.controllers.length === 1, { timeoutMs: 30_000 });
    await two.stop();
  }, 90_000);
});
