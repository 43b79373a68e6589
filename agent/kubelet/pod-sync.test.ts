import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/pod.ts';
import { finishedForGood } from './pod-sync.ts';
import type { RuntimeContainer } from './runtime-state.ts';

const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never'): Pod => ({
  metadata: { name: 'p' },
  spec: { restartPolicy, containers: [{ name: 'a' }, { name: 'b' }] },
});
const exited = (name: string, exitCode: number, createdAt: string): RuntimeContainer =>
  ({
    id: `${name}${createdAt}`,
    metadata: { name, attempt: 0 },
    state: 'CONTAINER_EXITED',
    exitCode,
    createdAt,
  }) as RuntimeContainer;

describe('a pod finished for good gets no new sandbox', () => {
  it('never for restartPolicy Always', () => {
    expect(finishedForGood(pod('Always'), [exited('a', 0, '1'), exited('b', 0, '1')])).toBe(false);
  });

  it('for Never once anything ran', () => {
    expect(finishedForGood(pod('Never'), [])).toBe(false);
    expect(finishedForGood(pod('Never'), [exited('a', 1, '1')])).toBe(true);
  });

  it('for OnFailure when the newest instance of every container succeeded', () => {
    expect(finishedForGood(pod('OnFailure'), [exited('a', 0, '1'), exited('b', 0, '1')])).toBe(true);
    expect(finishedForGood(pod('OnFailure'), [exited('a', 0, '1'), exited('b', 2, '1')])).toBe(false);
    expect(finishedForGood(pod('OnFailure'), [exited('a', 0, '1')])).toBe(false);
  });
});
