// The admission plugins through the real registry (memory backend): what a client sees on create.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendCases, ctx, openHarness, type Harness } from '../registry/testing/harness.ts';
import { StatusError } from '../status.ts';
import { admissionPlugins } from './index.ts';

let h: Harness;
beforeEach(async () => {
  h = await openHarness(backendCases[0]!, {
    admission: admissionPlugins({
      defaultTolerationSeconds: { notReadySeconds: 30, unreachableSeconds: 60 },
    }),
  });
});
afterEach(async () => {
  await h.close();
});

const pod = (
  name: string,
  containers: Record<string, unknown>[] = [{ name: 'c', image: 'busybox' }],
  spec = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers, ...spec },
});
const createPod = (p: ReturnType<typeof pod>, namespace = 'default') =>
  h.r('/v1/pods').create(ctx(), namespace, p);
const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(StatusError);
  return (err as StatusError).status;
};

describe('ServiceAccount admission', () => {
  it('runs pods as the default service account unless they name one', async () => {
    const created = await createPod(pod('a'));
    expect(created.spec).toMatchObject({ serviceAccountName: 'default', serviceAccount: 'default' });
  });

  it('refuses a pod naming a service account that does not exist, accepts one that does', async () => {
    const status = await refusal(createPod(pod('b', undefined, { serviceAccountName: 'robot' })));
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(status.message).toBe(
      'pods "b" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found',
    );
    await h.r('/v1/serviceaccounts').create(ctx(), 'default', { metadata: { name: 'robot' } });
    expect(
      (await createPod(pod('b', undefined, { serviceAccountName: 'robot' }))).spec.serviceAccountName,
    ).toBe('robot');
  });
});

describe('DefaultTolerationSeconds admission', () => {
  it('adds not-ready and unreachable NoExecute tolerations with the configured seconds', async () => {
    const created = await createPod(pod('t'));
    expect(created.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 60,
      },
    ]);
  });

  it('keeps a pod’s own toleration for a taint instead of adding the default', async () => {
    const own = {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 5,
    };
    const created = await createPod(pod('u', undefined, { tolerations: [own] }));
    expect(created.spec.tolerations).toEqual([
      own,
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
  });
});

describe('LimitRanger admission', () => {
  beforeEach(async () => {
    await h.r('/v1/limitranges').create(ctx(), 'default', {
      metadata: { name: 'limits' },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '128Mi' },
            defaultRequest: { cpu: '250m' },
            min: { cpu: '100m' },
            max: { cpu: '1' },
            maxLimitRequestRatio: { cpu: '4' },
          },
        ],
      },
    });
  });

  it('fills missing requests and limits and says so in an annotation', async () => {
    const created = await createPod(
      pod('d', [{ name: 'web', image: 'nginx', resources: { limits: { memory: '64Mi' } } }]),
    );
    expect(created.spec.containers[0].resources).toEqual({
      limits: { cpu: '500m', memory: '64Mi' },
      requests: { cpu: '250m', memory: '64Mi' },
    });
    expect(created.metadata!.annotations['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu request for container web; cpu limit for container web',
    );
  });

  it('refuses containers over max or under min with upstream messages', async () => {
    const over = await refusal(
      createPod(
        pod('big', [{ name: 'c', image: 'x', resources: { limits: { cpu: '2' }, requests: { cpu: '1' } } }]),
      ),
    );
    expect(over.message).toBe(
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    );
    const both = await refusal(
      createPod(
        pod('tiny', [
          { name: 'c', image: 'x', resources: { limits: { cpu: '2' }, requests: { cpu: '50m' } } },
        ]),
      ),
    );
    expect(both.message).toBe(
      'pods "tiny" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per Container is 1, but limit is 2, cpu max limit to request ratio per Container is 4, but provided ratio is 40.000000]',
    );
  });
});

describe('ResourceQuota admission', () => {
  const quota = (name: string, hard: Record<string, string>) =>
    h.r('/v1/resourcequotas').create(ctx(), 'default', { metadata: { name }, spec: { hard } });

  it('refuses the pod that would exceed the quota with upstream’s message, and charges admitted ones', async () => {
    await quota('q', { pods: '2' });
    await createPod(pod('p1'));
    await createPod(pod('p2'));
    const status = await refusal(createPod(pod('p3')));
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(status.message).toBe(
      'pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
    );
    const q = await h.r('/v1/resourcequotas').get(ctx(), 'default', 'q');
    expect(q.status).toEqual({ hard: { pods: '2' }, used: { pods: '2' } });
  });

  it('limits requests of cpu and memory, and asks pods to state them', async () => {
    await quota('compute', { 'requests.cpu': '1', 'requests.memory': '1Gi' });
    const missing = await refusal(createPod(pod('nothing')));
    expect(missing.message).toBe(
      'pods "nothing" is forbidden: failed quota: compute: must specify requests.cpu for: c; requests.memory for: c',
    );
    const res = (cpu: string) => [
      { name: 'c', image: 'x', resources: { requests: { cpu, memory: '256Mi' } } },
    ];
    await createPod(pod('small', res('600m')));
    const status = await refusal(createPod(pod('large', res('600m'))));
    expect(status.message).toBe(
      'pods "large" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1',
    );
  });

  it('counts objects of any type with count/<resource>, and does not charge a dry run', async () => {
    await quota('objects', { 'count/configmaps': '1', configmaps: '5' });
    await h.r('/v1/configmaps').create(ctx({ dryRun: true }), 'default', { metadata: { name: 'dry' } });
    await h.r('/v1/configmaps').create(ctx(), 'default', { metadata: { name: 'one' } });
    const status = await refusal(
      h.r('/v1/configmaps').create(ctx(), 'default', { metadata: { name: 'two' } }),
    );
    expect(status.message).toBe(
      'configmaps "two" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1',
    );
  });

  it('counts what exists when the quota has no status yet (created before the controller ran)', async () => {
    await createPod(pod('early'));
    await quota('late', { pods: '1' });
    const status = await refusal(createPod(pod('second')));
    expect(status.message).toContain(
      'exceeded quota: late, requested: pods=1, used: pods=1, limited: pods=1',
    );
  });

  it('does not limit other namespaces', async () => {
    await quota('q', { pods: '0' });
    await h.r('/v1/namespaces').create(ctx(), '', { metadata: { name: 'free' } });
    expect((await createPod(pod('ok'), 'free')).metadata!.name).toBe('ok');
  });
});
