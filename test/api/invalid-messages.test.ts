// The whole 422 message kubectl prints, from api/'s defaults and validation through the API
// server's Status rendering (control-plane/apiserver/status.ts).
import { describe, expect, it } from 'vitest';
import { lookupKind } from '../../api/resources.ts';
import { validateObject } from '../../api/validation/object.ts';
import { invalid } from '../../control-plane/apiserver/status.ts';

function create(apiVersion: string, kind: string, obj: any) {
  const rt = lookupKind(apiVersion, kind)!;
  rt.defaults?.(obj);
  const errs = validateObject(rt, obj);
  return errs.length ? invalid(rt.kind, rt.group, obj.metadata?.name ?? '', errs).status : undefined;
}

describe('422 Invalid messages', () => {
  it('reads like upstream for a deployment with several problems', () => {
    const status = create('apps/v1', 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: -1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] } },
      },
    });
    expect(status?.code).toBe(422);
    expect(status?.reason).toBe('Invalid');
    expect(status?.message).toBe(
      'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value]',
    );
    expect(status?.details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: -1: must be greater than or equal to 0',
        field: 'spec.replicas',
      },
      {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'spec.template.spec.containers[0].image',
      },
    ]);
  });

  it('reads like upstream for a selector that misses its template', () => {
    const status = create('apps/v1', 'ReplicaSet', {
      metadata: { name: 'rs', namespace: 'default' },
      spec: {
        selector: { matchLabels: { tier: 'frontend' } },
        template: {
          metadata: { labels: { tier: 'nginx' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
        },
      },
    });
    expect(status?.message).toBe(
      'ReplicaSet.apps "rs" is invalid: spec.template.metadata.labels: Invalid value: {"tier":"nginx"}: `selector` does not match template `labels`',
    );
  });

  it('reads like upstream for a core kind with an unsupported value', () => {
    const status = create('v1', 'Service', {
      metadata: { name: 'svc', namespace: 'default' },
      spec: { type: 'Magic', ports: [{ port: 80 }] },
    });
    expect(status?.message).toBe(
      'Service "svc" is invalid: spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
  });
});
