import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from './strategic.ts';

const podSpec = {
  containers: [
    { name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
    { name: 'sidecar', image: 'busybox' },
  ],
  volumes: [{ name: 'data', emptyDir: {} }],
};

describe('strategic merge patch (schema-free subset)', () => {
  it('merges maps like a merge patch, null deleting', () => {
    expect(applyStrategicMergePatch({ a: { b: 1, c: 2 }, d: 1 }, { a: { b: 3, c: null } })).toEqual({
      a: { b: 3 },
      d: 1,
    });
  });

  it('merges containers by name, as kubectl set image sends it', () => {
    const out = applyStrategicMergePatch(
      { spec: podSpec },
      { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } },
    ) as any;
    expect(out.spec.containers).toEqual([
      { name: 'web', image: 'nginx:2', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'busybox' },
    ]);
  });

  it('takes the merge key and order from $setElementOrder, and deletes with $patch: delete', () => {
    const out = applyStrategicMergePatch(
      { spec: podSpec },
      {
        spec: {
          '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'new' }],
          containers: [
            { name: 'new', image: 'x' },
            { name: 'web', $patch: 'delete' },
          ],
        },
      },
    ) as any;
    expect(out.spec.containers).toEqual([
      { name: 'sidecar', image: 'busybox' },
      { name: 'new', image: 'x' },
    ]);
  });

  it('merges container ports by containerPort, service ports by port, owner references by uid', () => {
    const out = applyStrategicMergePatch(
      { spec: podSpec },
      { spec: { containers: [{ name: 'web', ports: [{ containerPort: 443 }] }] } },
    ) as any;
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 443 }]);
    const svc = applyStrategicMergePatch(
      { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
      { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    );
    expect(svc).toEqual({ spec: { ports: [{ port: 80, targetPort: 9090 }] } });
    const owned = applyStrategicMergePatch(
      {
        metadata: {
          ownerReferences: [
            { uid: 'a', name: 'x' },
            { uid: 'b', name: 'y' },
          ],
        },
      },
      { metadata: { ownerReferences: [{ uid: 'a', $patch: 'delete' }] } },
    );
    expect(owned).toEqual({ metadata: { ownerReferences: [{ uid: 'b', name: 'y' }] } });
  });

  it('merges metadata.finalizers as a set, never dropping the others', () => {
    expect(
      applyStrategicMergePatch(
        { metadata: { finalizers: ['a', 'b'] } },
        { metadata: { finalizers: ['b', 'c'] } },
      ),
    ).toEqual({ metadata: { finalizers: ['a', 'b', 'c'] } });
  });

  it('replaces lists it has no merge key for', () => {
    expect(applyStrategicMergePatch({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
  });

  it('honours $patch: replace and delete on maps, $retainKeys and $deleteFromPrimitiveList', () => {
    expect(applyStrategicMergePatch({ a: { x: 1, y: 2 } }, { a: { $patch: 'replace', z: 3 } })).toEqual({
      a: { z: 3 },
    });
    expect(applyStrategicMergePatch({ a: { x: 1 }, b: 1 }, { a: { $patch: 'delete' } })).toEqual({ b: 1 });
    expect(
      applyStrategicMergePatch(
        { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
        { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
      ),
    ).toEqual({ strategy: { type: 'Recreate' } });
    expect(
      applyStrategicMergePatch(
        { metadata: { finalizers: ['a', 'b', 'c'] } },
        { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      ),
    ).toEqual({ metadata: { finalizers: ['a', 'c'] } });
  });

  it('never stores directives', () => {
    const out = applyStrategicMergePatch(
      {},
      { spec: { containers: [{ name: 'a', env: [{ name: 'X', $patch: 'merge' }] }] } },
    );
    expect(JSON.stringify(out)).not.toContain('$');
  });

  it('interleaves items the patch orders with items only the server has, like upstream', () => {
    const out = applyStrategicMergePatch(
      { env: [{ name: 'A' }, { name: 'OTHER' }] },
      {
        '$setElementOrder/env': [{ name: 'C' }],
        env: [{ name: 'C' }, { name: 'A', $patch: 'delete' }],
      },
    );
    expect(out).toEqual({ env: [{ name: 'OTHER' }, { name: 'C' }] });
    const moved = applyStrategicMergePatch(
      { env: [{ name: 'A' }, { name: 'X' }, { name: 'B' }] },
      { '$setElementOrder/env': [{ name: 'B' }, { name: 'A' }] },
    );
    expect(moved).toEqual({ env: [{ name: 'X' }, { name: 'B' }, { name: 'A' }] });
  });

  describe('with the schema of the object kind', () => {
    const pod = (spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
    it.each([
      {
        name: 'tolerations have no merge key upstream: replaced',
        spec: { tolerations: [{ key: 'a', operator: 'Exists' }] },
        patch: { tolerations: [{ key: 'b', operator: 'Exists' }] },
        want: { tolerations: [{ key: 'b', operator: 'Exists' }] },
      },
      {
        name: 'imagePullSecrets merge by name',
        spec: { imagePullSecrets: [{ name: 'a' }] },
        patch: { imagePullSecrets: [{ name: 'b' }] },
        want: { imagePullSecrets: [{ name: 'a' }, { name: 'b' }] },
      },
      {
        name: 'container ports merge by containerPort, volumeMounts by mountPath',
        spec: {
          containers: [
            { name: 'c', ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'v', mountPath: '/a' }] },
          ],
        },
        patch: {
          containers: [
            { name: 'c', ports: [{ containerPort: 81 }], volumeMounts: [{ name: 'w', mountPath: '/a' }] },
          ],
        },
        want: {
          containers: [
            {
              name: 'c',
              ports: [{ containerPort: 80 }, { containerPort: 81 }],
              volumeMounts: [{ name: 'w', mountPath: '/a' }],
            },
          ],
        },
      },
      {
        name: 'args are atomic even with a $setElementOrder-free patch',
        spec: { containers: [{ name: 'c', args: ['a', 'b'] }] },
        patch: { containers: [{ name: 'c', args: ['c'] }] },
        want: { containers: [{ name: 'c', args: ['c'] }] },
      },
    ])('$name', ({ spec, patch, want }) => {
      expect((applyStrategicMergePatch(pod(spec), { spec: patch }) as any).spec).toEqual(want);
    });
  });
});
