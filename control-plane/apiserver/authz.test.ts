import { describe, expect, it } from 'vitest';
import { defaultAuthorizer, forbiddenError } from './authz.ts';
import { parseRequestInfo } from './router.ts';

const admin = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
const bob = { username: 'bob', groups: ['system:authenticated'] };
const node = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

const may = (user: typeof admin, method: string, path: string) =>
  defaultAuthorizer(user, parseRequestInfo(method, path, null));

describe('defaultAuthorizer', () => {
  it('lets system:masters do anything', () => {
    expect(may(admin, 'DELETE', '/api/v1/namespaces/kube-system')).toBe(true);
    expect(may(admin, 'GET', '/metrics')).toBe(true);
  });

  it('lets any user read discovery, OpenAPI and health, and ask who they are', () => {
    for (const path of ['/api', '/apis/apps/v1', '/openapi/v3/api/v1', '/version', '/healthz'])
      expect(may(bob, 'GET', path), path).toBe(true);
    expect(may(bob, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews')).toBe(true);
    expect(may(bob, 'POST', '/api')).toBe(false);
    expect(may(bob, 'GET', '/api/v1/namespaces/default/configmaps')).toBe(false);
  });

  it('gives nodes what a node agent needs, and its own Node only', () => {
    expect(may(node, 'GET', '/api/v1/nodes/n2')).toBe(true);
    expect(may(node, 'POST', '/api/v1/nodes')).toBe(true);
    expect(may(node, 'PATCH', '/api/v1/nodes/n1/status')).toBe(true);
    expect(may(node, 'PATCH', '/api/v1/nodes/n2/status')).toBe(false);
    expect(may(node, 'DELETE', '/api/v1/nodes/n2')).toBe(false);
    expect(may(node, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1')).toBe(true);
    expect(may(node, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2')).toBe(false);
    expect(may(node, 'PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/n1')).toBe(false);
    expect(may(node, 'GET', '/api/v1/pods')).toBe(true);
    expect(may(node, 'PATCH', '/api/v1/namespaces/default/pods/p/status')).toBe(true);
    expect(may(node, 'POST', '/api/v1/namespaces/default/events')).toBe(true);
    expect(may(node, 'GET', '/api/v1/namespaces/default/secrets/s')).toBe(true);
    expect(may(node, 'DELETE', '/api/v1/namespaces/default/secrets/s')).toBe(false);
    expect(may(node, 'POST', '/apis/apps/v1/namespaces/default/deployments')).toBe(false);
  });

  it('lets nodes read secrets and configmaps one by one only, and create no pods', () => {
    expect(may(node, 'GET', '/api/v1/secrets')).toBe(false);
    expect(may(node, 'GET', '/api/v1/namespaces/default/configmaps')).toBe(false);
    expect(may(node, 'POST', '/api/v1/namespaces/default/pods')).toBe(false);
    expect(may(node, 'POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests')).toBe(true);
    expect(may(node, 'PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/c/approval')).toBe(
      false,
    );
  });

  it('lets bootstrap tokens ask for a certificate and nothing else', () => {
    const bootstrap = {
      username: 'system:bootstrap:abcdef',
      groups: [
        'system:bootstrappers',
        'system:bootstrappers:flotilla:default-node-token',
        'system:authenticated',
      ],
    };
    expect(may(bootstrap, 'POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests')).toBe(true);
    expect(may(bootstrap, 'GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests/c')).toBe(true);
    expect(may(bootstrap, 'PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/c/approval')).toBe(
      false,
    );
    expect(may(bootstrap, 'PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/c/status')).toBe(
      false,
    );
    expect(may(bootstrap, 'GET', '/api/v1/nodes')).toBe(false);
    expect(may(bootstrap, 'POST', '/api/v1/nodes')).toBe(false);
  });

  it('words denials like upstream', () => {
    const err = forbiddenError(bob, parseRequestInfo('GET', '/api/v1/namespaces/default/pods/web', null));
    expect(err.status.message).toBe(
      'pods "web" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "default"',
    );
    expect(forbiddenError(bob, parseRequestInfo('GET', '/logs', null)).status.message).toBe(
      'forbidden: User "bob" cannot get path "/logs"',
    );
  });
});
