// The Node authorizer's object checks against a real store: what a node may read and write
// depends on the pods bound to it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizer } from './authz.ts';
import { backendCases, ctx, openHarness, type Harness } from './registry/testing/harness.ts';
import { parseRequestInfo } from './router.ts';

const n1 = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const bootstrap = {
  username: 'system:bootstrap:abcdef',
  groups: ['system:bootstrappers', 'system:authenticated'],
};

describe('createAuthorizer: node object checks', () => {
  let h: Harness;
  let may: (user: typeof n1, method: string, path: string) => Promise<boolean>;

  beforeAll(async () => {
    h = await openHarness(backendCases.find((c) => c.name === 'sqlite')!);
    const authorize = createAuthorizer(h.registries);
    may = async (user, method, path) => authorize(user, parseRequestInfo(method, path, null));
    const pod = (name: string, nodeName: string, spec: Record<string, unknown>) =>
      h.r('/v1/pods').create(ctx(), 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], ...spec },
      });
    await pod('on-n1', 'n1', {
      serviceAccountName: 'builder',
      containers: [
        {
          name: 'c',
          image: 'busybox',
          env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'a' } } }],
          envFrom: [{ configMapRef: { name: 'env-config' } }],
        },
      ],
      volumes: [
        { name: 'v', projected: { sources: [{ secret: { name: 'projected-secret' } }] } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      ],
    });
    await pod('on-n2', 'n2', { volumes: [{ name: 's', secret: { secretName: 'n2-secret' } }] });
    await h.r('/v1/persistentvolumeclaims').create(ctx(), 'default', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        volumeName: 'pv-data',
      },
    });
    await h.r('certificates.k8s.io/v1/certificatesigningrequests').create({ ...ctx(), user: bootstrap }, '', {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'mine' },
      spec: {
        request: Buffer.from(
          '-----BEGIN CERTIFICATE REQUEST-----\nMA==\n-----END CERTIFICATE REQUEST-----\n',
        ).toString('base64'),
        signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
        usages: ['client auth'],
      },
    });
  });

  afterAll(() => h?.close());

  it('reads only the secrets, configmaps, claims and volumes of its own pods', async () => {
    for (const path of [
      '/api/v1/namespaces/default/secrets/env-secret',
      '/api/v1/namespaces/default/secrets/projected-secret',
      '/api/v1/namespaces/default/configmaps/env-config',
      '/api/v1/namespaces/default/persistentvolumeclaims/data',
      '/api/v1/persistentvolumes/pv-data',
    ])
      expect(await may(n1, 'GET', path), path).toBe(true);
    for (const path of [
      '/api/v1/namespaces/default/secrets/n2-secret',
      '/api/v1/namespaces/default/secrets/other',
      '/api/v1/namespaces/kube-system/secrets/env-secret',
      '/api/v1/persistentvolumes/pv-other',
    ])
      expect(await may(n1, 'GET', path), path).toBe(false);
  });

  it('writes only the status of pods bound to it, and asks for tokens of their service accounts', async () => {
    expect(await may(n1, 'PATCH', '/api/v1/namespaces/default/pods/on-n1/status')).toBe(true);
    expect(await may(n1, 'PATCH', '/api/v1/namespaces/default/pods/on-n2/status')).toBe(false);
    expect(await may(n1, 'DELETE', '/api/v1/namespaces/default/pods/on-n2')).toBe(false);
    expect(await may(n1, 'DELETE', '/api/v1/namespaces/default/pods/on-n1')).toBe(true);
    expect(await may(n1, 'POST', '/api/v1/namespaces/default/serviceaccounts/builder/token')).toBe(true);
    expect(await may(n1, 'POST', '/api/v1/namespaces/default/serviceaccounts/admin/token')).toBe(false);
  });

  it('reads only the certificate requests it made', async () => {
    expect(await may(bootstrap, 'GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests/mine')).toBe(
      true,
    );
    expect(await may(n1, 'GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests/mine')).toBe(false);
  });

  it('lets the ingress on a node read Ingresses, their classes and the TLS Secrets they name', async () => {
    await h.r('networking.k8s.io/v1/ingresses').create(ctx(), 'default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web' },
      spec: {
        tls: [{ hosts: ['shop.test'], secretName: 'shop-tls' }],
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
      },
    });
    expect(await may(n1, 'GET', '/apis/networking.k8s.io/v1/ingresses')).toBe(true);
    expect(await may(n1, 'GET', '/apis/networking.k8s.io/v1/ingressclasses')).toBe(true);
    expect(await may(n1, 'GET', '/api/v1/namespaces/default/secrets/shop-tls')).toBe(true);
    expect(await may(n1, 'GET', '/api/v1/namespaces/other/secrets/shop-tls')).toBe(false);
    expect(await may(n1, 'DELETE', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/web')).toBe(
      false,
    );
  });
});

describe.each(backendCases)('createAuthorizer: node checks right after writes ($name)', (bc) => {
  let h: Harness;
  afterEach(() => h?.close());

  it('lets a node read what a pod uses the moment it is bound, and refuses it the moment it is gone', async () => {
    h = await openHarness(bc);
    const authorize = createAuthorizer(h.registries);
    const may = async (method: string, path: string) => authorize(n1, parseRequestInfo(method, path, null));
    // Rounds: the first ones start the index, the later ones are answered from it.
    for (let round = 0; round < 6; round++) {
      const name = `p${round}`;
      const config = `config-${round}`;
      const account = `account-${round}`;
      expect(await may('GET', `/api/v1/namespaces/default/configmaps/${config}`)).toBe(false);
      await h.r('/v1/pods').create(ctx(), 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          serviceAccountName: account,
          containers: [{ name: 'c', image: 'busybox' }],
          volumes: [{ name: 'cfg', configMap: { name: config } }],
        },
      });
      expect(await may('GET', `/api/v1/namespaces/default/configmaps/${config}`)).toBe(false);
      await h.r('/v1/pods').subresource('binding')!.create!(ctx(), 'default', name, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name },
        target: { kind: 'Node', name: round % 2 ? 'n2' : 'n1' },
      });
      const mine = round % 2 === 0;
      expect(await may('GET', `/api/v1/namespaces/default/configmaps/${config}`)).toBe(mine);
      expect(await may('POST', `/api/v1/namespaces/default/serviceaccounts/${account}/token`)).toBe(mine);
      expect(await may('PATCH', `/api/v1/namespaces/default/pods/${name}/status`)).toBe(mine);
      await h.r('/v1/pods').delete(ctx(), 'default', name, { gracePeriodSeconds: 0 });
      expect(await may('GET', `/api/v1/namespaces/default/configmaps/${config}`)).toBe(false);
      expect(await may('POST', `/api/v1/namespaces/default/serviceaccounts/${account}/token`)).toBe(false);
    }
  });
});

describe('createAuthorizer: closing', () => {
  it("stops the node index's watch of the pods", async () => {
    const h = await openHarness(backendCases.find((c) => c.name === 'memory')!);
    const open = new Map<object, string>(); // watcher -> its prefix
    const watch = h.backend.watch.bind(h.backend);
    h.backend.watch = (prefix, after, opts) => {
      const watcher = watch(prefix, after, opts);
      open.set(watcher, prefix);
      return { close: () => (open.delete(watcher), watcher.close()) };
    };
    const podWatches = () => [...open.values()].filter((p) => p.includes('/pods/')).length;
    const authorize = createAuthorizer(h.registries);
    await authorize(n1, parseRequestInfo('GET', '/api/v1/namespaces/default/secrets/s', null));
    expect(podWatches()).toBe(1);
    authorize.close();
    expect(podWatches()).toBe(0);
    await h.close();
  });
});
