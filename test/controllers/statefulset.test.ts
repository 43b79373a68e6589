import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';

function statefulSet(
  name: string,
  replicas: number,
  image: string,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate' },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...extra,
    },
  });
}

const claimTemplate = {
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};

describe('StatefulSet controller with kubectl', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ controllers: ['statefulset'], nodes: 2 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const ready = (p: any) =>
    p?.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True');
  const livePods = async (app: string) =>
    (await c.getJson('pods', '-l', `app=${app}`)).items.filter((p: any) => !p.metadata.deletionTimestamp);

  it('creates web-0 and only once it is Ready web-1, each with its own claim', async () => {
    // Watch pod creations: when web-1 appears, web-0 must already be Ready.
    const seen = new Map<string, any>();
    let web0WhenWeb1Appeared: any;
    const pods = c.client.resource('v1', 'Pod').namespace('default');
    const stream = await pods.watch({ labelSelector: 'app=web' });
    const reading = (async () => {
      for await (const ev of stream) {
        if (ev.type === 'ADDED' && ev.object.metadata?.name === 'web-1' && !web0WhenWeb1Appeared)
          web0WhenWeb1Appeared = seen.get('web-0');
        seen.set(ev.object.metadata!.name!, ev.object);
      }
    })().catch(() => {});
    await c.apply(statefulSet('web', 2, 'nginx:1.25', { volumeClaimTemplates: [claimTemplate] }));
    expect(await c.k('rollout', 'status', 'statefulset/web', '--timeout=90s')).toContain(
      'rolling update complete 2 pods at revision web-',
    );
    stream.close();
    await reading;
    expect(ready(web0WhenWeb1Appeared)).toBe(true);

    const list = await livePods('web');
    expect(list.map((p: any) => p.metadata.name).sort()).toEqual(['web-0', 'web-1']);
    const web1 = list.find((p: any) => p.metadata.name === 'web-1');
    expect(web1.metadata.labels).toMatchObject({
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    expect(web1.spec.hostname).toBe('web-1');
    expect(web1.spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-web-1' },
    });
    const claims = (await c.getJson('pvc')).items.map((p: any) => p.metadata.name).sort();
    expect(claims).toEqual(['data-web-0', 'data-web-1']);
    const s = await c.getJson('sts', 'web');
    expect(s.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
    expect(s.status.currentRevision).toBe(s.status.updateRevision);
  }, 180_000);

  it('scales down from the highest ordinal and keeps its claim', async () => {
    await c.k('scale', 'statefulset/web', '--replicas=1');
    await eventually(async () => (await livePods('web')).length === 1, 'one pod left');
    expect((await livePods('web'))[0].metadata.name).toBe('web-0');
    const claims = (await c.getJson('pvc')).items.map((p: any) => p.metadata.name).sort();
    expect(claims).toEqual(['data-web-0', 'data-web-1']);
    await c.k('scale', 'statefulset/web', '--replicas=2');
    await c.k('rollout', 'status', 'statefulset/web', '--timeout=90s');
  }, 180_000);

  it('rolls a new template out with ControllerRevisions, and rollout undo returns the old one', async () => {
    await c.k('set', 'image', 'statefulset/web', 'main=nginx:1.26');
    await c.k('rollout', 'status', 'statefulset/web', '--timeout=90s');
    await eventually(async () => {
      const images = (await livePods('web')).map((p: any) => p.spec.containers[0].image);
      return images.length === 2 && images.every((i: string) => i === 'nginx:1.26');
    }, 'both pods on the new image');
    const revs = (await c.getJson('controllerrevisions')).items.filter(
      (r: any) => r.metadata.ownerReferences?.[0]?.name === 'web',
    );
    expect(revs.map((r: any) => r.revision).sort()).toEqual([1, 2]);
    expect(await c.k('rollout', 'history', 'statefulset/web')).toMatch(/1\s+<none>[\s\S]*2\s+<none>/);
    await c.k('rollout', 'undo', 'statefulset/web');
    await c.k('rollout', 'status', 'statefulset/web', '--timeout=90s');
    await eventually(async () => {
      const images = (await livePods('web')).map((p: any) => p.spec.containers[0].image);
      return images.length === 2 && images.every((i: string) => i === 'nginx:1.25');
    }, 'both pods back on the old image');
  }, 240_000);

  it('keeps pods below the partition on the old revision', async () => {
    await c.k(
      'patch',
      'statefulset/web',
      '-p',
      '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}',
    );
    await c.k('set', 'image', 'statefulset/web', 'main=nginx:1.27');
    expect(await c.k('rollout', 'status', 'statefulset/web', '--timeout=90s')).toContain(
      'partitioned roll out complete',
    );
    const images = Object.fromEntries(
      (await livePods('web')).map((p: any) => [p.metadata.name, p.spec.containers[0].image]),
    );
    expect(images).toEqual({ 'web-0': 'nginx:1.25', 'web-1': 'nginx:1.27' });
  }, 180_000);

  it('deletes the claims of scaled-away pods when whenScaled is Delete', async () => {
    await c.apply(
      statefulSet('db', 2, 'postgres:16', {
        volumeClaimTemplates: [claimTemplate],
        persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' },
      }),
    );
    await c.k('rollout', 'status', 'statefulset/db', '--timeout=90s');
    const claims = async () =>
      (await c.getJson('pvc')).items
        .filter((p: any) => p.metadata.name.startsWith('data-db-') && !p.metadata.deletionTimestamp)
        .map((p: any) => p.metadata.name)
        .sort();
    expect(await claims()).toEqual(['data-db-0', 'data-db-1']);
    await c.k('scale', 'statefulset/db', '--replicas=1');
    await eventually(async () => (await claims()).join() === 'data-db-0', 'data-db-1 deleted with its pod');
  }, 180_000);

  it('creates every pod at once with the Parallel policy and replaces a deleted one under the same name', async () => {
    await c.apply(statefulSet('par', 3, 'nginx:1.25', { podManagementPolicy: 'Parallel' }));
    await c.k('rollout', 'status', 'statefulset/par', '--timeout=90s');
    const before = (await livePods('par')).find((p: any) => p.metadata.name === 'par-1');
    await c.k('delete', 'pod', 'par-1', '--wait=false');
    await eventually(async () => {
      const p = (await livePods('par')).find((x: any) => x.metadata.name === 'par-1');
      return p && p.metadata.uid !== before.metadata.uid && ready(p);
    }, 'par-1 recreated');
  }, 180_000);

  it('with OnDelete keeps running pods and gives the new template only to replacements', async () => {
    await c.apply(statefulSet('manual', 2, 'redis:7', { updateStrategy: { type: 'OnDelete' } }));
    await eventually(
      async () => (await c.getJson('sts', 'manual')).status?.readyReplicas === 2,
      'two ready pods',
    );
    await c.k('set', 'image', 'statefulset/manual', 'main=redis:8');
    await eventually(async () => {
      const s = (await c.getJson('sts', 'manual')).status;
      return s.updateRevision !== s.currentRevision && s.observedGeneration === 2;
    }, 'a new update revision');
    const images = async () =>
      Object.fromEntries(
        (await livePods('manual')).map((p: any) => [p.metadata.name, p.spec.containers[0].image]),
      );
    expect(await images()).toEqual({ 'manual-0': 'redis:7', 'manual-1': 'redis:7' });
    await c.k('delete', 'pod', 'manual-1', '--wait=false');
    await eventually(
      async () => (await images())['manual-1'] === 'redis:8',
      'manual-1 recreated on the new template',
    );
    expect((await images())['manual-0']).toBe('redis:7');
  }, 180_000);
});
