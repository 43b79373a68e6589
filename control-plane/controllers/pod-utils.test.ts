import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/index.ts';
import {
  compareForDeletion,
  isPodActive,
  isPodAvailable,
  msUntilAvailable,
  podFromTemplate,
} from './pod-utils.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function pod(
  name: string,
  o: { node?: string; phase?: string; readySince?: number; created?: number } = {},
): Pod {
  return {
    metadata: { name, creationTimestamp: iso(o.created ?? t0) },
    spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: (o.phase ?? 'Running') as never,
      conditions:
        o.readySince === undefined
          ? []
          : [{ type: 'Ready', status: 'True', lastTransitionTime: iso(o.readySince) }],
    },
  } as Pod;
}

describe('pod helpers', () => {
  it('deletes unscheduled, then pending, then not ready, then newest ready pods first', () => {
    const pods = [
      pod('ready-old', { node: 'n', readySince: t0 }),
      pod('ready-new', { node: 'n', readySince: t0 + 5000, created: t0 + 5000 }),
      pod('not-ready', { node: 'n' }),
      pod('pending', { node: 'n', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    expect(pods.sort(compareForDeletion).map((p) => p.metadata!.name)).toEqual([
      'unscheduled',
      'pending',
      'not-ready',
      'ready-new',
      'ready-old',
    ]);
  });

  it('counts a pod available once it has been ready for minReadySeconds', () => {
    const p = pod('a', { node: 'n', readySince: t0 });
    expect(isPodAvailable(p, 0, t0)).toBe(true);
    expect(isPodAvailable(p, 10, t0 + 9000)).toBe(false);
    expect(msUntilAvailable(p, 10, t0 + 9000)).toBe(1000);
    expect(isPodAvailable(p, 10, t0 + 10_000)).toBe(true);
  });

  it('treats finished and deleting pods as inactive', () => {
    expect(isPodActive(pod('a'))).toBe(true);
    expect(isPodActive(pod('b', { phase: 'Succeeded' }))).toBe(false);
    const deleting = pod('c');
    deleting.metadata!.deletionTimestamp = iso(t0);
    expect(isPodActive(deleting)).toBe(false);
  });

  it('builds pods from a copy of the template', () => {
    const template = {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    };
    const ownerRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true };
    const p = podFromTemplate({
      template,
      namespace: 'ns',
      ownerRef,
      generateName: 'web-1-',
      extraLabels: { x: 'y' },
    });
    expect(p.metadata).toEqual({
      generateName: 'web-1-',
      namespace: 'ns',
      labels: { app: 'web', x: 'y' },
      ownerReferences: [ownerRef],
    });
    p.spec!.containers[0]!.image = 'changed';
    expect(template.spec.containers[0]!.image).toBe('x');
  });
});
