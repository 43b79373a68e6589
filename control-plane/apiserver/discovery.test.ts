import { describe, expect, it } from 'vitest';
import { resourceTypes } from '../../api/resources.ts';
import { buildDiscovery, storageVersionHash } from './discovery.ts';

const docs = buildDiscovery(resourceTypes, '127.0.0.1:6443');
const parse = (path: string) => JSON.parse(docs.legacy.get(path)!.body);

describe('discovery', () => {
  it('computes the storage version hash upstream publishes', () => {
    // The value kube-apiserver 1.32 reports for pods.
    expect(storageVersionHash('', 'v1', 'Pod')).toBe('xPOwRZ+Yhw8=');
  });

  it('lists the core version and the groups', () => {
    expect(parse('/api')).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
    const groups = parse('/apis');
    expect(groups.kind).toBe('APIGroupList');
    const apps = groups.groups.find((g: any) => g.name === 'apps');
    expect(apps).toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    expect(parse('/apis/apps')).toMatchObject({ kind: 'APIGroup', name: 'apps' });
  });

  it('describes resources and subresources as kubectl api-resources reads them', () => {
    const core = parse('/api/v1');
    expect(core).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const pods = core.resources.find((r: any) => r.name === 'pods');
    expect(pods).toMatchObject({
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
      storageVersionHash: 'xPOwRZ+Yhw8=',
    });
    expect(pods.verbs).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    expect(core.resources.find((r: any) => r.name === 'pods/status')).toMatchObject({
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    });
    const scale = parse('/apis/apps/v1').resources.find((r: any) => r.name === 'deployments/scale');
    expect(scale).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('serves aggregated discovery with the content type client-go checks', () => {
    const doc = docs.aggregated.get('/apis:v2')!;
    expect(doc.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const list = JSON.parse(doc.body);
    expect(list.kind).toBe('APIGroupDiscoveryList');
    const apps = list.items.find((i: any) => i.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    expect(deployments).toMatchObject({
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(deployments.subresources.map((s: any) => s.subresource)).toEqual(['status', 'scale']);
    expect(apps.versions[0].freshness).toBe('Current');
    const core = JSON.parse(docs.aggregated.get('/api:v2')!.body);
    expect(core.items).toHaveLength(1);
    expect(core.items[0].metadata.name).toBeUndefined();
  });

  it('gives every document an ETag', () => {
    for (const doc of [...docs.legacy.values(), ...docs.aggregated.values()])
      expect(doc.etag).toMatch(/^"[0-9A-F]+"$/);
  });
});
