// Our hand-written PKCS#10 against two independent readers: the control plane's (@peculiar/x509,
// which also checks the signature) and openssl.
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCertificateRequest } from '../../control-plane/pki/csr.ts';
import { createCertificateRequest } from './pkcs10.ts';

describe('createCertificateRequest', () => {
  it('makes a signed request for a node client: subject, no SANs', async () => {
    const { csrPem, keyPem } = createCertificateRequest({
      commonName: 'system:node:node-1',
      organizations: ['system:nodes'],
    });
    const req = await readCertificateRequest(csrPem);
    expect(req.subject).toMatchObject({ commonName: 'system:node:node-1', organizations: ['system:nodes'] });
    expect(req.altNames).toEqual({ dnsNames: [], ips: [] });
    expect(createPrivateKey(keyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('carries DNS and IP (v4 and v6) subjectAltNames for a serving certificate', async () => {
    const { csrPem } = createCertificateRequest(
      { commonName: 'system:node:node-1', organizations: ['system:nodes'] },
      { dnsNames: ['node-1'], ips: ['10.240.7.2', 'fd00::1:2'] },
    );
    const req = await readCertificateRequest(csrPem);
    expect(req.altNames.dnsNames).toEqual(['node-1']);
    expect(req.altNames.ips).toEqual(['10.240.7.2', 'fd00::1:2']);
    const text = execFileSync('openssl', ['req', '-noout', '-text', '-verify'], {
      input: csrPem,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
    expect(text).toContain('Subject: O = system:nodes, CN = system:node:node-1');
    expect(text).toMatch(/DNS:node-1, IP Address:10\.240\.7\.2, IP Address:FD00:0:0:0:0:0:1:2/);
  });
});
