// The official JavaScript client (@kubernetes/client-node 1.3, CertificatesV1Api) asking for a
// certificate the way a tool that provisions users would: create a CSR, approve it through the
// approval subresource, read the issued certificate back (the `bytes` fields as base64).
import { CertificatesV1Api, KubeConfig, type V1CertificateSigningRequest } from '@kubernetes/client-node';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateRequest } from '../../control-plane/pki/csr.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ args: ['--controllers', 'csrsigning'] });
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('@kubernetes/client-node and CertificateSigningRequests', () => {
  it('creates, approves and reads back an issued certificate', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const api = kc.makeApiClient(CertificatesV1Api);
    const { csrPem } = await createCertificateRequest({ commonName: 'robot', organizations: ['bots'] });
    const created = await api.createCertificateSigningRequest({
      body: {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: 'robot' },
        spec: {
          request: Buffer.from(csrPem).toString('base64'),
          signerName: 'kubernetes.io/kube-apiserver-client',
          usages: ['client auth'],
          expirationSeconds: 3600,
        },
      },
    });
    expect(created.spec.username).toBe('admin');

    const approval: V1CertificateSigningRequest = {
      ...created,
      status: {
        conditions: [{ type: 'Approved', status: 'True', reason: 'RobotsWelcome', message: 'by a test' }],
      },
    };
    const approved = await api.replaceCertificateSigningRequestApproval({ name: 'robot', body: approval });
    expect(approved.status?.conditions?.[0]).toMatchObject({ type: 'Approved', reason: 'RobotsWelcome' });
    expect(approved.status?.conditions?.[0]?.lastUpdateTime).toBeDefined();

    const issued = await waitFor(
      async () => (await api.readCertificateSigningRequest({ name: 'robot' })).status?.certificate,
      60_000,
      'certificate issued',
    );
    const cert = new X509Certificate(Buffer.from(issued!, 'base64'));
    expect(cert.subject).toContain('CN=robot');
    expect(cert.subject).toContain('O=bots');
  });
});
