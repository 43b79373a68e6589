import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/index.ts';
import { containerEvents, killingEvents } from './pod-events.ts';

const pod: Pod = {
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
const waiting = (reason: string, restartCount = 0) => ({
  name: 'c',
  image: 'nginx',
  imageID: '',
  ready: false,
  restartCount,
  state: { waiting: { reason } },
});
const running = (restartCount = 0) => ({
  name: 'c',
  image: 'nginx',
  imageID: '',
  ready: true,
  restartCount,
  state: { running: { startedAt: 't' } },
});

describe('kubelet events of a simulated pod', () => {
  it('a container that starts: Pulled, Created, Started', () => {
    expect(
      containerEvents(
        pod,
        { containerStatuses: [waiting('ContainerCreating')] },
        { containerStatuses: [running()] },
      ),
    ).toEqual([
      { type: 'Normal', reason: 'Pulled', message: 'Container image "nginx" already present on machine' },
      { type: 'Normal', reason: 'Created', message: 'Created container: c' },
      { type: 'Normal', reason: 'Started', message: 'Started container c' },
    ]);
  });

  it('nothing new: no events', () => {
    expect(
      containerEvents(pod, { containerStatuses: [running()] }, { containerStatuses: [running()] }),
    ).toEqual([]);
  });

  it('crash looping: BackOff once, then Created and Started on each restart', () => {
    expect(
      containerEvents(
        pod,
        { containerStatuses: [running()] },
        { containerStatuses: [waiting('CrashLoopBackOff', 1)] },
      ),
    ).toEqual([
      {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container c in pod p_default(u1)',
      },
    ]);
    expect(
      containerEvents(
        pod,
        { containerStatuses: [waiting('CrashLoopBackOff', 1)] },
        { containerStatuses: [running(2)] },
      ).map((e) => e.reason),
    ).toEqual(['Created', 'Started']);
  });

  it('deleting a running pod: Killing per running container', () => {
    expect(killingEvents({ ...pod, status: { containerStatuses: [running()] } })).toEqual([
      { type: 'Normal', reason: 'Killing', message: 'Stopping container c' },
    ]);
  });
});
