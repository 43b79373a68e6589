// The ServiceAccount plugin's API credentials volume through the real registry: what a client
// sees in the created pod's spec, as upstream shows it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendCases, ctx, openHarness, type Harness } from '../registry/testing/harness.ts';
import { admissionPlugins } from './index.ts';
import { serviceAccountTokenMountPath } from './service-account.ts';

let h: Harness;
beforeEach(async () => {
  h = await openHarness(backendCases[0]!, { admission: admissionPlugins() });
});
afterEach(async () => {
  await h.close();
});

const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'busybox',
  ...extra,
});
const createPod = (name: string, spec: Record<string, unknown> = {}) =>
  h.r('/v1/pods').create(ctx(), 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [container('c')], ...spec },
  });
const apiAccessVolumes = (pod: any) =>
  (pod.spec.volumes ?? []).filter((v: any) => v.name.startsWith('kube-api-access-'));

describe('ServiceAccount admission: the kube-api-access volume', () => {
  it('projects token, CA and namespace into every container, read-only, as upstream does', async () => {
    const pod = await createPod('a', {
      initContainers: [container('init')],
      containers: [container('c', { volumeMounts: [{ name: 'data', mountPath: '/data' }] }), container('d')],
      volumes: [{ name: 'data', emptyDir: {} }],
    });
    const [volume] = apiAccessVolumes(pod);
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.spec.volumes.map((v: any) => v.name)).toEqual(['data', volume.name]);
    expect(volume.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    });
    const mount = {
      name: volume.name,
      readOnly: true,
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    };
    expect(pod.spec.initContainers[0].volumeMounts).toEqual([mount]);
    expect(pod.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, mount]);
    expect(pod.spec.containers[1].volumeMounts).toEqual([mount]);
  });

  it('gives each pod its own random volume name', async () => {
    const names = new Set<string>();
    for (const n of ['p1', 'p2', 'p3']) names.add(apiAccessVolumes(await createPod(n))[0].name);
    expect(names.size).toBe(3);
  });

  it('mounts nothing when the pod says automountServiceAccountToken: false', async () => {
    const pod = await createPod('off', { automountServiceAccountToken: false });
    expect(pod.spec.volumes ?? []).toEqual([]);
    expect(pod.spec.containers[0].volumeMounts ?? []).toEqual([]);
  });

  it('follows the ServiceAccount’s automountServiceAccountToken unless the pod overrides it', async () => {
    await h.r('/v1/serviceaccounts').create(ctx(), 'default', {
      metadata: { name: 'quiet' },
      automountServiceAccountToken: false,
    });
    const quiet = await createPod('quiet', { serviceAccountName: 'quiet' });
    expect(apiAccessVolumes(quiet)).toEqual([]);
    const asked = await createPod('asked', {
      serviceAccountName: 'quiet',
      automountServiceAccountToken: true,
    });
    expect(apiAccessVolumes(asked)).toHaveLength(1);
  });

  it('leaves a container that already mounts something at the path alone', async () => {
    const own = { name: 'mine', mountPath: serviceAccountTokenMountPath };
    const pod = await createPod('own', {
      containers: [container('c', { volumeMounts: [own] })],
      volumes: [{ name: 'mine', emptyDir: {} }],
    });
    expect(pod.spec.containers[0].volumeMounts).toEqual([own]);
    expect(apiAccessVolumes(pod)).toEqual([]);
  });

  it('reuses a kube-api-access volume the pod already has instead of adding another', async () => {
    const first = await createPod('first');
    const { metadata: _m, status: _s, ...rest } = first;
    const spec = { ...rest.spec, nodeName: undefined };
    const copy = await createPod('copy', spec);
    expect(apiAccessVolumes(copy)).toEqual(apiAccessVolumes(first));
    expect(copy.spec.containers[0].volumeMounts).toHaveLength(1);
  });
});
