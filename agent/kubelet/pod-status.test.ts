import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from '../../api/types/pod.ts';
import { podPhase } from './pod-status.ts';

const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never'): Pod => ({
  metadata: { name: 'p' },
  spec: { containers: [], restartPolicy },
});
const running: ContainerStatus = {
  name: 'a',
  image: 'i',
  imageID: '',
  ready: true,
  restartCount: 0,
  state: { running: {} },
};
const exited = (exitCode: number): ContainerStatus => ({
  ...running,
  state: { terminated: { exitCode } },
});
const creating: ContainerStatus = { ...running, state: { waiting: { reason: 'ContainerCreating' } } };
const crashLooping: ContainerStatus = {
  ...running,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 1 } },
};

describe('pod phase', () => {
  it('is Pending until every container has started, and while init containers run', () => {
    expect(podPhase(pod('Always'), [], [running, creating])).toBe('Pending');
    expect(podPhase(pod('Always'), [running], [creating])).toBe('Pending');
  });

  it('is Running while something runs or will be restarted', () => {
    expect(podPhase(pod('Always'), [exited(0)], [running])).toBe('Running');
    expect(podPhase(pod('Always'), [], [crashLooping])).toBe('Running');
    expect(podPhase(pod('OnFailure'), [], [exited(1)])).toBe('Running');
  });

  it('ends Succeeded or Failed when nothing will run again', () => {
    expect(podPhase(pod('Never'), [], [exited(0), exited(0)])).toBe('Succeeded');
    expect(podPhase(pod('OnFailure'), [], [exited(0)])).toBe('Succeeded');
    expect(podPhase(pod('Never'), [], [exited(0), exited(137)])).toBe('Failed');
    expect(podPhase(pod('Never'), [exited(1)], [creating])).toBe('Failed');
  });
});
