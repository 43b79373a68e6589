// The index of what each node's pods use, fed by the pods' watch on a real store: a pod counts
// from the moment its binding is written until it is gone, and only for its own node and namespace.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodePodIndex } from './node-pod-index.ts';
import { backendCases, ctx, eventually, openHarness, pod, type Harness } from './registry/testing/harness.ts';

describe.each(backendCases)('NodePodIndex ($name)', (bc) => {
  let h: Harness;
  let index: NodePodIndex;

  beforeEach(async () => {
    h = await openHarness(bc);
    index = new NodePodIndex(h.r('/v1/pods').context);
  });
  afterEach(async () => {
    index.close();
    await h.close();
  });

  const uses = (node: string, kind: Parameters<NodePodIndex['uses']>[1], name: string, ns = 'default') =>
    index.uses(node, kind, ns, name);
  const bind = (name: string, node: string) =>
    h.r('/v1/pods').subresource('binding')!.create!(ctx(), 'default', name, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name },
      target: { kind: 'Node', name: node },
    });

  it('knows what a pod uses from the moment it is bound, on its node only, until it is deleted', async () => {
    await h
      .r('/v1/pods')
      .create(ctx(), 'default', pod('old', { nodeName: 'n1', serviceAccountName: 'sa-old' }));
    await eventually('the index', () => uses('n1', 'serviceaccount', 'sa-old'));
    expect(await uses('n1', 'serviceaccount', 'sa-old')).toBe(true);

    await h.r('/v1/pods').create(
      ctx(),
      'default',
      pod('web', {
        serviceAccountName: 'builder',
        imagePullSecrets: [{ name: 'pull' }],
        volumes: [
          { name: 'cfg', configMap: { name: 'settings' } },
          { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
          { name: 'tok', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] } },
        ],
      }),
    );
    // Pending: no node may read anything for it.
    expect(await uses('n1', 'configmap', 'settings')).toBe(false);
    expect(await index.boundTo('n1', 'default', 'web')).toBe(false);
    await bind('web', 'n1');
    expect(await uses('n1', 'configmap', 'settings')).toBe(true);
    expect(await uses('n1', 'configmap', 'kube-root-ca.crt')).toBe(true);
    expect(await uses('n1', 'secret', 'pull')).toBe(true);
    expect(await uses('n1', 'pvc', 'data')).toBe(true);
    expect(await uses('n1', 'serviceaccount', 'builder')).toBe(true);
    expect(await index.claims('n1')).toEqual([{ namespace: 'default', name: 'data' }]);
    expect(await index.boundTo('n1', 'default', 'web')).toBe(true);
    expect(await index.boundTo('n2', 'default', 'web')).toBe(false);
    expect(await index.boundTo('n1', 'default', 'none')).toBe(false);
    // Not another node, namespace or kind.
    expect(await uses('n2', 'configmap', 'settings')).toBe(false);
    expect(await uses('n1', 'configmap', 'settings', 'kube-system')).toBe(false);
    expect(await uses('n1', 'secret', 'settings')).toBe(false);
    expect(await index.claims('n2')).toEqual([]);

    // Status writes change nothing it answers.
    await h.r('/v1/pods').patch(ctx(), 'default', 'web', 'merge', { status: { phase: 'Running' } }, 'status');
    expect(await uses('n1', 'configmap', 'settings')).toBe(true);

    await h.r('/v1/pods').delete(ctx(), 'default', 'web', { gracePeriodSeconds: 0 });
    expect(await uses('n1', 'configmap', 'settings')).toBe(false);
    expect(await uses('n1', 'serviceaccount', 'builder')).toBe(false);
    expect(await uses('n1', 'serviceaccount', 'sa-old')).toBe(true);
  });

  it('counts every pod that uses a name: the name stays usable until the last one goes', async () => {
    const shared = { volumes: [{ name: 's', secret: { secretName: 'shared' } }] };
    await h.r('/v1/pods').create(ctx(), 'default', pod('a', { nodeName: 'n1', ...shared }));
    await h.r('/v1/pods').create(ctx(), 'default', pod('b', { nodeName: 'n1', ...shared }));
    expect(await eventually('the index', () => uses('n1', 'secret', 'shared'))).toBe(true);
    await h.r('/v1/pods').delete(ctx(), 'default', 'a', { gracePeriodSeconds: 0 });
    expect(await uses('n1', 'secret', 'shared')).toBe(true);
    await h.r('/v1/pods').delete(ctx(), 'default', 'b', { gracePeriodSeconds: 0 });
    expect(await uses('n1', 'secret', 'shared')).toBe(false);
    // The pods' own default service account counts too, and is gone with them.
    expect(await uses('n1', 'serviceaccount', 'default')).toBe(false);
  });
});
