import { describe, expect, it } from 'vitest';
import { deploymentComplete, deploymentProgressing } from './deployment.ts';

const d = (status: Record<string, number> = {}) =>
  ({ metadata: { name: 'web', generation: 2 }, spec: { replicas: 3 }, status }) as never;

describe('deployment progress', () => {
  it('is complete when every replica is updated and available at the observed generation', () => {
    const full = { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 };
    expect(deploymentComplete(d(), full)).toBe(true);
    expect(deploymentComplete(d(), { ...full, observedGeneration: 1 })).toBe(false);
    expect(deploymentComplete(d(), { ...full, replicas: 4 })).toBe(false);
    expect(deploymentComplete(d(), { ...full, availableReplicas: 2 })).toBe(false);
  });

  it('progresses when more pods are updated, ready or available, or fewer old ones remain', () => {
    const before = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 };
    expect(deploymentProgressing(d(before), { ...before })).toBe(false);
    expect(deploymentProgressing(d(before), { ...before, updatedReplicas: 2 })).toBe(true);
    expect(deploymentProgressing(d(before), { ...before, replicas: 3 })).toBe(true);
    expect(deploymentProgressing(d(before), { ...before, availableReplicas: 4 })).toBe(true);
  });
});
