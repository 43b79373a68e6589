// The approver's decisions, one request at a time (table-driven): who asked, for which node,
// with which subject, usages and addresses. Only the two node cases are ever approved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateRequest } from '../pki/csr.ts';
import { CsrApprovingController } from './csr-approving.ts';
import { KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, type CsrObj } from './csr-util.ts';
import { MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { startTestApi, stopController, type TestApi } from './testing/api.ts';

const node = (name: string) => ({
  username: `system:node:${name}`,
  groups: ['system:nodes', 'system:authenticated'],
});
const token = (id: string) => ({
  username: `system:bootstrap:${id}`,
  groups: [
    'system:bootstrappers',
    'system:bootstrappers:flotilla:default-node-token',
    'system:authenticated',
  ],
});
const admin = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

interface Case {
  what: string;
  signer: string;
  requester: { username: string; groups: string[] };
  subject?: { commonName: string; organizations?: string[] };
  altNames?: { dnsNames: string[]; ips: string[] };
  usages?: string[];
  approve: boolean | RegExp;
}

const client = (requester: Case['requester'], extra: Partial<Case> = {}): Case => ({
  what: '',
  signer: KUBELET_CLIENT_SIGNER,
  requester,
  subject: { commonName: 'system:node:n1', organizations: ['system:nodes'] },
  usages: ['digital signature', 'client auth'],
  approve: true,
  ...extra,
});

const cases: Case[] = [
  { ...client(token('abc123')), what: 'client CSR of the token issued for n1' },
  { ...client(node('n1')), what: 'client CSR of n1 renewing' },
  {
    ...client(token('def456'), { approve: /issued for node n2, not n1/ }),
    what: 'token issued for another node',
  },
  {
    ...client(token('ghi789'), {
      approve: /neither system:node:n1 nor a bootstrap token issued for node n1/,
    }),
    what: 'token bound to no node',
  },
  { ...client(node('n2'), { approve: /neither/ }), what: 'another node' },
  { ...client(admin, { approve: /neither/ }), what: 'an admin (waits for a human)' },
  {
    ...client(token('abc123'), {
      subject: { commonName: 'system:node:n1', organizations: ['system:masters'] },
      approve: /organization/,
    }),
    what: 'a token asking for system:masters',
  },
  {
    ...client(token('abc123'), { usages: ['client auth', 'server auth'], approve: /usages not allowed/ }),
    what: 'server usage on a client CSR',
  },
  {
    ...client(token('abc123'), {
      altNames: { dnsNames: ['n1'], ips: [] },
      approve: /subjectAltNames are not allowed/,
    }),
    what: 'SANs on a client CSR',
  },
  {
    what: 'serving CSR of n1 for its own addresses',
    signer: KUBELET_SERVING_SIGNER,
    requester: node('n1'),
    subject: { commonName: 'system:node:n1', organizations: ['system:nodes'] },
    altNames: { dnsNames: ['n1'], ips: ['10.0.0.1'] },
    usages: ['digital signature', 'server auth'],
    approve: true,
  },
  {
    what: 'serving CSR of n1 for an address it does not report',
    signer: KUBELET_SERVING_SIGNER,
    requester: node('n1'),
    subject: { commonName: 'system:node:n1', organizations: ['system:nodes'] },
    altNames: { dnsNames: [], ips: ['10.0.0.99'] },
    usages: ['digital signature', 'server auth'],
    approve: /does not report 10\.0\.0\.99/,
  },
  {
    what: 'serving CSR for n1 asked by its bootstrap token',
    signer: KUBELET_SERVING_SIGNER,
    requester: token('abc123'),
    subject: { commonName: 'system:node:n1', organizations: ['system:nodes'] },
    altNames: { dnsNames: ['n1'], ips: [] },
    usages: ['digital signature', 'server auth'],
    approve: /must be asked for by system:node:n1/,
  },
  {
    what: 'serving CSR of a node not registered yet',
    signer: KUBELET_SERVING_SIGNER,
    requester: node('n3'),
    subject: { commonName: 'system:node:n3', organizations: ['system:nodes'] },
    altNames: { dnsNames: ['n3'], ips: [] },
    usages: ['digital signature', 'server auth'],
    approve: /not registered yet/,
  },
  {
    ...client(admin, { signer: 'kubernetes.io/kube-apiserver-client', approve: /never auto-approved/ }),
    what: 'another signer',
  },
];

describe('CsrApprovingController.judge', () => {
  let api: TestApi;
  let approver: CsrApprovingController;
  const ac = stopController();
  const bound: Record<string, string> = { 'system:bootstrap:abc123': 'n1', 'system:bootstrap:def456': 'n2' };

  beforeAll(async () => {
    api = await startTestApi();
    await api.client.resource('v1', 'Node').create({
      metadata: { name: 'n1' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'n1' },
        ],
      },
    });
    const informers = api.informers();
    approver = new CsrApprovingController({
      client: api.client,
      informers,
      recorder: new MemoryEventRecorder(),
      bootstrapTokenNodeName: (user) => bound[user],
    });
    informers.start(ac.signal);
    await informers.waitForCacheSync();
  }, 60_000);

  afterAll(async () => {
    ac.abort();
    await api?.close();
  });

  it.each(cases)('$what', async (c) => {
    const { csrPem } = await createCertificateRequest(c.subject!, c.altNames);
    const csr = {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'x' },
      spec: {
        request: Buffer.from(csrPem).toString('base64'),
        signerName: c.signer,
        usages: c.usages,
        username: c.requester.username,
        groups: c.requester.groups,
      },
    } as CsrObj;
    const verdict = await approver.judge(csr);
    if (c.approve === true) expect(verdict).toMatchObject({ approve: true });
    else expect(verdict).toEqual({ approve: false, reason: expect.stringMatching(c.approve as RegExp) });
  });
});
