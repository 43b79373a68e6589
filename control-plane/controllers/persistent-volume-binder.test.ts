import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, type KubeObject } from '../../api/client/index.ts';
import { MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { LocalPathProvisioner } from './local-path-provisioner.ts';
import { PersistentVolumeBinder } from './persistent-volume-binder.ts';
import { startTestApi, stopController, type TestApi } from './testing/api.ts';
import { volumeFitsClaim } from './volume-binding.ts';

describe('volumeFitsClaim', () => {
  const pv = (storage: string, extra: KubeObject = {}) => ({
    metadata: { name: 'pv', labels: { speed: 'fast' } },
    spec: {
      capacity: { storage },
      accessModes: ['ReadWriteOnce' as const],
      storageClassName: 'manual',
      ...extra,
    },
  });
  const pvc = (storage: string, extra: KubeObject = {}) => ({
    metadata: { name: 'c', namespace: 'default' },
    spec: {
      accessModes: ['ReadWriteOnce' as const],
      storageClassName: 'manual',
      resources: { requests: { storage } },
      ...extra,
    },
  });
  it('checks class, size, access modes, selector and node', () => {
    expect(volumeFitsClaim(pv('1Gi'), pvc('500Mi'))).toBe(true);
    expect(volumeFitsClaim(pv('1Gi'), pvc('2Gi'))).toBe(false);
    expect(volumeFitsClaim(pv('1Gi'), pvc('1Gi', { storageClassName: 'other' }))).toBe(false);
    expect(volumeFitsClaim(pv('1Gi'), pvc('1Gi', { accessModes: ['ReadWriteMany'] }))).toBe(false);
    expect(volumeFitsClaim(pv('1Gi'), pvc('1Gi', { selector: { matchLabels: { speed: 'slow' } } }))).toBe(
      false,
    );
    const pinned = pv('1Gi', {
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
          ],
        },
      },
    });
    expect(volumeFitsClaim(pinned, pvc('1Gi'), { name: 'n1', labels: {} })).toBe(true);
    expect(volumeFitsClaim(pinned, pvc('1Gi'), { name: 'n2', labels: {} })).toBe(false);
  });
});

describe('PersistentVolume binder and local-path provisioner against a real API server', () => {
  let api: TestApi;
  const ac = stopController();
  let runs: Promise<void>[];
  const recorder = new MemoryEventRecorder();
  beforeAll(async () => {
    api = await startTestApi();
    const node = await api.client
      .resource('v1', 'Node')
      .create({ metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } } });
    await api.client
      .resource('v1', 'Node')
      .updateStatus({ ...node, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    const informers = api.informers();
    const config = { client: api.client, informers, recorder };
    const controllers = [
      new PersistentVolumeBinder(config),
      new LocalPathProvisioner({ ...config, localPathRoot: '/data/volumes' }),
    ];
    informers.start(ac.signal);
    runs = controllers.map((c) => c.start(ac.signal));
  }, 60_000);
  afterAll(async () => {
    ac.abort();
    await Promise.all(runs);
    await api?.close();
  });

  const claims = () => api.client.resource('v1', 'PersistentVolumeClaim').namespace('default');
  const volumes = () => api.client.resource('v1', 'PersistentVolume');
  const claim = (name: string, extra: KubeObject = {}) =>
    claims().create({
      metadata: { name },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
    });
  const bound = (name: string): Promise<any> =>
    pollUntil(
      async () => {
        const c = await claims().get(name);
        return c.status?.phase === 'Bound' ? c : undefined;
      },
      { timeoutMs: 30_000, description: `claim ${name} to be Bound` },
    );

  it('creates the default StorageClass standard, and claims without a class get it', async () => {
    const sc = await pollUntil(
      () =>
        api.client
          .resource('storage.k8s.io/v1', 'StorageClass')
          .get('standard')
          .catch(() => undefined),
      { timeoutMs: 30_000 },
    );
    expect(sc).toMatchObject({
      provisioner: 'flotilla.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    });
    const c = await claim('data');
    expect(c.spec.storageClassName).toBe('standard');
  });

  it('waits for a first consumer, then provisions a volume on its node and binds it', async () => {
    await pollUntil(
      () =>
        recorder
          .lines()
          .includes('WaitForFirstConsumer waiting for first consumer to be created before binding'),
      {
        timeoutMs: 30_000,
      },
    );
    expect((await claims().get('data')).status?.phase).toBe('Pending');
    await api.client
      .resource('v1', 'Pod')
      .namespace('default')
      .create({
        metadata: { name: 'user' },
        spec: {
          nodeName: 'node-1',
          containers: [{ name: 'c', image: 'busybox' }],
          volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
        },
      });
    const c = await bound('data');
    expect(c.metadata.annotations).toMatchObject({
      'volume.kubernetes.io/selected-node': 'node-1',
      'pv.kubernetes.io/bind-completed': 'yes',
    });
    expect(c.status).toMatchObject({ accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    const pv = await volumes().get(c.spec.volumeName);
    expect(pv.metadata!.name).toBe(`pvc-${c.metadata.uid}`);
    expect(pv.spec).toMatchObject({
      hostPath: { path: `/data/volumes/pvc-${c.metadata.uid}_default_data`, type: 'DirectoryOrCreate' },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      claimRef: { name: 'data', namespace: 'default', uid: c.metadata.uid },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] },
          ],
        },
      },
    });
    await pollUntil(async () => (await volumes().get(pv.metadata!.name!)).status?.phase === 'Bound', {
      timeoutMs: 30_000,
    });
    expect(recorder.lines()).toContain(
      `ProvisioningSucceeded Successfully provisioned volume ${pv.metadata!.name}`,
    );
  });

  it('deletes a provisioned volume once its claim is deleted (reclaim Delete)', async () => {
    const c = await claims().get('data');
    await claims().delete('data');
    await pollUntil(
      async () =>
        !(await volumes()
          .get(c.spec.volumeName)
          .catch(() => undefined)),
      {
        timeoutMs: 30_000,
        description: 'the volume to be deleted',
      },
    );
  });

  it('binds Immediate claims at once, to the smallest fitting pre-made volume', async () => {
    await api.client.resource('storage.k8s.io/v1', 'StorageClass').create({
      metadata: { name: 'manual' },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
    });
    for (const [name, size] of [
      ['big', '10Gi'],
      ['small', '2Gi'],
      ['tiny', '100Mi'],
    ] as const)
      await volumes().create({
        metadata: { name },
        spec: {
          capacity: { storage: size },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'manual',
          hostPath: { path: `/mnt/${name}` },
        },
      });
    await claim('db', { storageClassName: 'manual' });
    const c = await bound('db');
    expect(c.spec.volumeName).toBe('small');
    await claims().delete('db');
    // Retain: the volume stays, Released.
    await pollUntil(async () => (await volumes().get('small')).status?.phase === 'Released', {
      timeoutMs: 30_000,
    });
  });

  it('provisions Immediate claims of a local-path class on a Ready node', async () => {
    await api.client.resource('storage.k8s.io/v1', 'StorageClass').create({
      metadata: { name: 'now' },
      provisioner: 'flotilla.io/local-path',
      volumeBindingMode: 'Immediate',
    });
    await claim('scratch', { storageClassName: 'now' });
    const c = await bound('scratch');
    const pv = await volumes().get(c.spec.volumeName);
    expect(pv.spec!.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([
      'node-1',
    ]);
  });
});
