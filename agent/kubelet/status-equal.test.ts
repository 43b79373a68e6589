import { describe, expect, it } from 'vitest';
import type { PodStatus } from '../../api/types/pod.ts';
import { sameStatus } from './status-equal.ts';

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
