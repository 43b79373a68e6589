import { describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../../api/types/pod.ts';
import { onlyOwnStatusChanged, sameStatus } from './status-equal.ts';

const status = (ready: 'True' | 'False', time: string): PodStatus => ({
  phase: 'Running',
  podIP: '10.244.0.4',
  conditions: [{ type: 'Ready', status: ready, lastTransitionTime: time, lastProbeTime: null }],
});

describe('pod status comparison', () => {
  it('ignores condition times, key order and absent fields', () => {
    expect(sameStatus(status('True', '2026-01-01T00:00:00Z'), status('True', '2026-01-02T00:00:00Z'))).toBe(
      true,
    );
    expect(
      sameStatus(
        { phase: 'Running', podIP: '1.2.3.4' },
        { podIP: '1.2.3.4', phase: 'Running', message: undefined },
      ),
    ).toBe(true);
  });

  it('ignores times only in the conditions themselves', () => {
    const terminated = (finishedAt: string): PodStatus => ({
      containerStatuses: [
        {
          name: 'a',
          image: 'i',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, finishedAt } },
        },
      ],
    });
    expect(sameStatus(terminated('2026-01-01T00:00:00Z'), terminated('2026-01-01T00:00:00Z'))).toBe(true);
    expect(sameStatus(terminated('2026-01-01T00:00:00Z'), terminated('2026-01-02T00:00:00Z'))).toBe(false);
    expect(sameStatus({ conditions: [] }, {})).toBe(false);
    expect(sameStatus({ conditions: undefined }, {})).toBe(true);
  });

  it('sees a condition, phase or container state change', () => {
    expect(sameStatus(status('True', 't'), status('False', 't'))).toBe(false);
    expect(sameStatus({ phase: 'Pending' }, { phase: 'Running' })).toBe(false);
    expect(
      sameStatus(
        {
          containerStatuses: [
            { name: 'a', image: 'i', imageID: '', ready: false, restartCount: 0, state: { running: {} } },
          ],
        },
        {
          containerStatuses: [
            { name: 'a', image: 'i', imageID: '', ready: false, restartCount: 1, state: { running: {} } },
          ],
        },
      ),
    ).toBe(false);
  });
});

describe('an update that is only our own status write', () => {
  const pod = (rv: string, st: PodStatus, labels: Record<string, string> = {}): Pod => ({
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: rv, labels },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
    status: st,
  });
  const written = status('True', '2026-01-02T00:00:00Z');

  it('is not news: the pod needs no sync for it', () => {
    expect(onlyOwnStatusChanged(pod('1', { phase: 'Pending' }), pod('2', written), written)).toBe(true);
  });

  it('is news when someone else wrote the status, or anything besides the status changed', () => {
    expect(onlyOwnStatusChanged(pod('1', { phase: 'Pending' }), pod('2', written), undefined)).toBe(false);
    expect(
      onlyOwnStatusChanged(pod('1', { phase: 'Pending' }), pod('2', status('False', 't')), written),
    ).toBe(false);
    expect(
      onlyOwnStatusChanged(pod('1', { phase: 'Pending' }), pod('2', written, { tier: 'web' }), written),
    ).toBe(false);
    const resized = pod('2', written);
    resized.spec!.containers[0]!.image = 'busybox:2';
    expect(onlyOwnStatusChanged(pod('1', written), resized, written)).toBe(false);
    const deleting = pod('2', written);
    deleting.metadata!.deletionTimestamp = '2026-01-02T00:00:00Z';
    expect(onlyOwnStatusChanged(pod('1', written), deleting, written)).toBe(false);
  });
});
