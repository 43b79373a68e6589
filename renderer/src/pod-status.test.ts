import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/index.ts';
import { podReady, podRestarts, podStatus, statusTone } from './pod-status.ts';

const pod = (p: Partial<Pod>): Pod =>
  ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }, { name: 'd' }] }, ...p }) as Pod;

describe('pod columns like kubectl', () => {
  it('shows a waiting reason over the phase', () => {
    const p = pod({
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'c', ready: true, restartCount: 2, state: { running: {} } },
          { name: 'd', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    } as Partial<Pod>);
    expect(podStatus(p)).toBe('CrashLoopBackOff');
    expect(statusTone(podStatus(p))).toBe('bad');
    expect(podReady(p)).toBe('1/2');
    expect(podRestarts(p)).toBe(7);
  });

  it('shows Terminating for a pod being deleted', () => {
    expect(
      podStatus(
        pod({
          metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' },
          status: { phase: 'Running' },
        } as Partial<Pod>),
      ),
    ).toBe('Terminating');
  });
});
