import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/pod.ts';
import { ContainerConfigError } from './config-sources.ts';
import { downwardField, expandReferences } from './env.ts';

describe('container environment', () => {
  it('expands $(VAR) from earlier variables, keeps unknown references, unescapes $$', () => {
    const vars = new Map([['A', 'one']]);
    expect(expandReferences('$(A)-$(B)-$$(A)', vars)).toBe('one-$(B)-$(A)');
  });

  it('answers the downward API fields from the pod and its addresses', () => {
    const pod: Pod = {
      metadata: {
        name: 'web',
        namespace: 'shop',
        uid: 'u1',
        labels: { app: 'a' },
        annotations: { note: 'n' },
      },
      spec: { containers: [], nodeName: 'node-1', serviceAccountName: 'sa' },
    };
    const ctx = { pod, podIP: '10.244.0.5', hostIP: '10.240.0.2' };
    expect(
      [
        'metadata.name',
        'metadata.namespace',
        'metadata.uid',
        "metadata.labels['app']",
        "metadata.annotations['note']",
        'spec.nodeName',
        'spec.serviceAccountName',
        'status.podIP',
        'status.hostIP',
      ].map((f) => downwardField(f, ctx)),
    ).toEqual(['web', 'shop', 'u1', 'a', 'n', 'node-1', 'sa', '10.244.0.5', '10.240.0.2']);
    expect(() => downwardField('spec.bogus', ctx)).toThrow(ContainerConfigError);
  });
});
