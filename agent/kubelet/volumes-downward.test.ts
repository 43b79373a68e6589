import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/pod.ts';
import { downwardPayload, formatMap } from './volumes-downward.ts';

const pod: Pod = {
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u-1',
    labels: { tier: 'front', app: 'web' },
    annotations: { note: 'say "hi"' },
  },
  spec: {
    containers: [{ name: 'main', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } } }],
  },
};
const ctx = { pod, podIP: '10.244.1.5', hostIP: '10.0.0.2', nodeAllocatable: { cpu: '2', memory: '4Gi' } };
const text = (p: ReturnType<typeof downwardPayload>, path: string) => p.get(path)?.data.toString('utf8');

describe('downwardAPI volume files', () => {
  it('writes pod fields, sorted quoted labels and annotations, and container resources', () => {
    const p = downwardPayload(
      [
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
        { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' }, mode: 0o600 },
        { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
        {
          path: 'mem',
          resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' },
        },
        { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'requests.cpu', divisor: '1m' } },
        { path: 'cpu-limit', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu' } },
      ],
      0o644,
      ctx,
    );
    expect(text(p, 'name')).toBe('web');
    expect(text(p, 'ns')).toBe('shop');
    expect(text(p, 'uid')).toBe('u-1');
    expect(text(p, 'labels')).toBe('app="web"\ntier="front"\n');
    expect(text(p, 'annotations')).toBe('note="say \\"hi\\""\n');
    expect(p.get('annotations')!.mode).toBe(0o600);
    expect(p.get('name')!.mode).toBe(0o644);
    expect(text(p, 'tier')).toBe('front');
    expect(text(p, 'mem')).toBe('64');
    expect(text(p, 'cpu')).toBe('250');
    expect(text(p, 'cpu-limit')).toBe('2'); // no limit: the node's allocatable
  });

  it('formats an empty map as an empty file', () => {
    expect(formatMap(undefined)).toBe('');
  });
});
