// CertificateSigningRequests as a cluster admin meets them with kubectl: create one, see who
// asked, approve or deny it, and use the certificate the signer issues; spec never changes,
// and a decision cannot be taken back.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKubeconfig } from '../../control-plane/kubeconfig.ts';
import { createCertificateRequest } from '../../control-plane/pki/csr.ts';
import { kubectl, startServer, waitFor, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-csr-'));
  server = await startServer({ args: ['--controllers', 'csrapproving,csrsigning'] });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

async function csrYaml(
  name: string,
  commonName: string,
  extra = '',
): Promise<{ yaml: string; keyPem: string }> {
  const { csrPem, keyPem } = await createCertificateRequest({ commonName, organizations: ['developers'] });
  const yaml = [
    'apiVersion: certificates.k8s.io/v1',
    'kind: CertificateSigningRequest',
    `metadata: {name: ${name}}`,
    'spec:',
    `  request: ${Buffer.from(csrPem).toString('base64')}`,
    '  signerName: kubernetes.io/kube-apiserver-client',
    '  expirationSeconds: 86400',
    '  usages: [client auth]',
    extra,
  ].join('\n');
  return { yaml, keyPem };
}

describe('kubectl and CertificateSigningRequests', () => {
  it('records the requester, waits for a human, and issues a certificate kubectl can log in with', async () => {
    const { yaml, keyPem } = await csrYaml('jane', 'jane', '  username: someone-else');
    await ok(['create', '-f', '-'], yaml);
    const csr = JSON.parse(await ok(['get', 'csr', 'jane', '-o', 'json']));
    // Whatever the client claims, the API server writes who asked.
    expect(csr.spec.username).toBe('admin');
    expect(csr.spec.groups).toEqual(['system:masters', 'system:authenticated']);
    expect(await ok(['get', 'csr', 'jane'])).toMatch(
      /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\njane\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+admin\s+24h\s+Pending\n$/,
    );

    expect(await ok(['certificate', 'approve', 'jane'])).toBe(
      'certificatesigningrequest.certificates.k8s.io/jane approved\n',
    );
    const certificate = await waitFor(
      async () => JSON.parse(await ok(['get', 'csr', 'jane', '-o', 'json'])).status.certificate as string,
      60_000,
      'certificate issued',
    );
    expect(await ok(['get', 'csr', 'jane', '--no-headers'])).toMatch(/\sApproved,Issued\n$/);
    const certPem = Buffer.from(certificate, 'base64').toString('utf8');
    const cert = new X509Certificate(certPem);
    const lifetimeHours = (Date.parse(cert.validTo) - Date.now()) / 3_600_000;
    expect(lifetimeHours).toBeGreaterThan(23);
    expect(lifetimeHours).toBeLessThanOrEqual(24);

    const kubeconfig = join(dir, 'jane.kubeconfig');
    writeKubeconfig(kubeconfig, {
      clusterName: 'flotilla',
      server: server.url,
      caCertPem: readFileSync(join(server.dataDir, 'pki', 'ca.crt'), 'utf8'),
      userName: 'jane',
      credentials: { clientCertificatePem: certPem, clientKeyPem: keyPem },
    });
    const who = await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
    expect(who.stderr).toBe('');
    expect(JSON.parse(who.stdout).status.userInfo).toEqual({
      username: 'jane',
      groups: ['developers', 'system:authenticated'],
    });
  });

  it('denies, and a decision stays taken', async () => {
    const { yaml } = await csrYaml('mallory', 'mallory');
    await ok(['create', '-f', '-'], yaml);
    await ok(['certificate', 'deny', 'mallory']);
    expect(await ok(['get', 'csr', 'mallory', '--no-headers'])).toMatch(/\sDenied\n$/);
    const approve = await server.kubectl(['certificate', 'approve', 'mallory']);
    expect(approve.code).not.toBe(0);
    expect(approve.stderr).toContain('certificate signing request "mallory" is already Denied');
    // Even written straight to /approval, the API server keeps the denial.
    const denied = JSON.parse(await ok(['get', 'csr', 'mallory', '-o', 'json']));
    denied.status.conditions.push({ type: 'Approved', status: 'True', reason: 'Sneaky' });
    const forced = await server.kubectl(
      [
        'replace',
        '--raw',
        '/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory/approval',
        '-f',
        '-',
      ],
      { input: JSON.stringify(denied) },
    );
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toMatch(/Approved and Denied conditions are mutually exclusive/);
    expect(await ok(['get', 'csr', 'mallory', '--no-headers'])).toMatch(/\sDenied\n$/);
    // Nothing is ever signed for a denied request.
    const csr = JSON.parse(await ok(['get', 'csr', 'mallory', '-o', 'json']));
    expect(csr.status.certificate).toBeUndefined();
  });

  it('fails, and issues nothing, when an approved request does not fit its signer', async () => {
    const { yaml } = await csrYaml('not-a-node', 'bob');
    await ok(
      ['create', '-f', '-'],
      yaml.replace('kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet'),
    );
    await ok(['certificate', 'approve', 'not-a-node']);
    const failed = await waitFor(
      async () =>
        JSON.parse(await ok(['get', 'csr', 'not-a-node', '-o', 'json'])).status.conditions?.find(
          (c: any) => c.type === 'Failed',
        ),
      60_000,
      'Failed condition',
    );
    expect(failed.reason).toBe('SignerValidationFailure');
    expect(failed.message).toContain('subject common name must begin with "system:node:"');
    expect(await ok(['get', 'csr', 'not-a-node', '--no-headers'])).toMatch(/\sApproved,Failed\n$/);
  });

  it('keeps spec as it was created', async () => {
    const { yaml } = await csrYaml('fixed', 'fixed');
    await ok(['create', '-f', '-'], yaml);
    await ok(['patch', 'csr', 'fixed', '--type=merge', '-p', '{"spec":{"signerName":"example.com/other"}}']);
    expect(await ok(['get', 'csr', 'fixed', '-o', 'jsonpath={.spec.signerName}'])).toBe(
      'kubernetes.io/kube-apiserver-client',
    );
  });

  it('refuses a request that is not a CSR, names no usages, or asks for under ten minutes', async () => {
    const bad = [
      'apiVersion: certificates.k8s.io/v1',
      'kind: CertificateSigningRequest',
      'metadata: {name: bad}',
      'spec:',
      `  request: ${Buffer.from('not a csr').toString('base64')}`,
      '  signerName: kubernetes.io/kube-apiserver-client',
      '  expirationSeconds: 60',
    ].join('\n');
    const r = await server.kubectl(['create', '-f', '-'], { input: bad });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.request: Invalid value');
    expect(r.stderr).toContain('spec.usages: Required value');
    expect(r.stderr).toContain(
      'spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)',
    );
  });
});
