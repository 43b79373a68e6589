import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from './router.ts';

describe('parseRequestInfo', () => {
  it('reads namespaced resource paths like upstream', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/default/pods/web', null)).toMatchObject({
      kind: 'resource',
      verb: 'get',
      group: '',
      version: 'v1',
      namespace: 'default',
      resource: 'pods',
      name: 'web',
      subresource: '',
    });
    expect(parseRequestInfo('GET', '/apis/apps/v1/namespaces/ns1/deployments', null)).toMatchObject({
      verb: 'list',
      group: 'apps',
      namespace: 'ns1',
      resource: 'deployments',
      name: '',
    });
    expect(parseRequestInfo('PUT', '/apis/apps/v1/namespaces/ns1/deployments/d/status', null)).toMatchObject({
      verb: 'update',
      name: 'd',
      subresource: 'status',
    });
  });

  it('turns list into watch with ?watch and the legacy /watch/ prefix', () => {
    expect(parseRequestInfo('GET', '/api/v1/pods', 'true')).toMatchObject({
      verb: 'watch',
      resource: 'pods',
    });
    expect(parseRequestInfo('GET', '/api/v1/pods', '1')).toMatchObject({ verb: 'watch' });
    expect(parseRequestInfo('GET', '/api/v1/pods', 'false')).toMatchObject({ verb: 'list' });
    expect(parseRequestInfo('GET', '/api/v1/watch/namespaces/a/pods/p', null)).toMatchObject({
      verb: 'watch',
      namespace: 'a',
      name: 'p',
      legacyWatch: true,
    });
  });

  it('addresses the namespace object itself and its subresources', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/kube-system', null)).toMatchObject({
      resource: 'namespaces',
      name: 'kube-system',
      namespace: 'kube-system',
    });
    expect(parseRequestInfo('PUT', '/api/v1/namespaces/x/finalize', null)).toMatchObject({
      resource: 'namespaces',
      name: 'x',
      subresource: 'finalize',
    });
    expect(parseRequestInfo('POST', '/api/v1/namespaces', null)).toMatchObject({
      verb: 'create',
      namespace: '',
    });
  });

  it('maps methods to verbs', () => {
    expect(parseRequestInfo('POST', '/api/v1/namespaces/a/configmaps', null)).toMatchObject({
      verb: 'create',
    });
    expect(parseRequestInfo('PATCH', '/api/v1/namespaces/a/configmaps/c', null)).toMatchObject({
      verb: 'patch',
    });
    expect(parseRequestInfo('DELETE', '/api/v1/namespaces/a/configmaps/c', null)).toMatchObject({
      verb: 'delete',
    });
    expect(parseRequestInfo('DELETE', '/api/v1/namespaces/a/configmaps', null)).toMatchObject({
      verb: 'deletecollection',
    });
  });

  it('leaves discovery and other paths as non-resource requests', () => {
    for (const path of [
      '/api',
      '/api/v1',
      '/apis',
      '/apis/apps',
      '/apis/apps/v1',
      '/version',
      '/healthz',
      '/',
    ])
      expect(parseRequestInfo('GET', path, null)).toEqual({ kind: 'nonresource', verb: 'get', path });
    expect(parseRequestInfo('OPTIONS', '/api/v1/pods', null).kind).toBe('nonresource');
  });

  it('keeps what follows a proxy subresource', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/a/pods/p/proxy/x/y', null)).toMatchObject({
      subresource: 'proxy',
      rest: ['x', 'y'],
    });
  });
});
