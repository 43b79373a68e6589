import { createPrivateKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { altNamesFrom } from './alt-names.ts';
import { createCertificateAuthority, type CertificateAuthority } from './authority.ts';
import {
  createCertificateRequest,
  InvalidCertificateRequestError,
  nodeClientRequestProblems,
  readCertificateRequest,
  signCertificateRequest,
} from './csr.ts';
import { verifyClientCertificate } from './verify.ts';

let ca: CertificateAuthority;
beforeAll(async () => {
  ca = await createCertificateAuthority();
});

const node = { commonName: 'system:node:n1', organizations: ['system:nodes'] };

describe('certificate signing requests', () => {
  it('exposes the subject a node asks for, and signs it into a client certificate for its key', async () => {
    const { csrPem, keyPem } = await createCertificateRequest(node);
    const request = await readCertificateRequest(csrPem);
    expect(request.subject).toEqual(node);
    expect(nodeClientRequestProblems(request, 'n1')).toEqual([]);

    const certPem = await signCertificateRequest(ca, request, { usages: ['client'] });
    const check = verifyClientCertificate(ca.certPem, certPem);
    expect(check).toMatchObject({ ok: true, subject: node });
    // The certificate certifies the node's own key, which never left the node.
    expect(new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
  });

  it('accepts the PEM as bytes, as it arrives base64-decoded from a CertificateSigningRequest', async () => {
    const { csrPem } = await createCertificateRequest(node);
    await expect(readCertificateRequest(Buffer.from(csrPem))).resolves.toMatchObject({ subject: node });
  });

  it('carries requested SANs into serving certificates', async () => {
    const { csrPem } = await createCertificateRequest(
      { commonName: 'system:node:n1', organizations: ['system:nodes'] },
      altNamesFrom(['n1', '10.0.0.11']),
    );
    const request = await readCertificateRequest(csrPem);
    expect(request.altNames).toEqual({ dnsNames: ['n1'], ips: ['10.0.0.11'] });
    const cert = new X509Certificate(await signCertificateRequest(ca, request, { usages: ['server'] }));
    expect(cert.subjectAltName).toBe('DNS:n1, IP Address:10.0.0.11');
  });

  it('rejects a request whose signature does not match (tampered subject or key)', async () => {
    const { csrPem } = await createCertificateRequest(node);
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // Flip one byte of the signed subject: "system:node:n1" becomes "system:node:n2".
    const at = der.indexOf(Buffer.from('system:node:n1')) + 'system:node:n'.length;
    der[at] = '2'.charCodeAt(0);
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(readCertificateRequest(tampered)).rejects.toThrow(/signature does not match/);
  });

  it('rejects things that are not CSRs', async () => {
    await expect(readCertificateRequest(ca.certPem)).rejects.toThrow(InvalidCertificateRequestError);
    await expect(
      readCertificateRequest(
        '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
      ),
    ).rejects.toThrow(InvalidCertificateRequestError);
  });
});

describe('nodeClientRequestProblems', () => {
  it('explains why a request is not a kubelet client request', async () => {
    const admin = await readCertificateRequest(
      (await createCertificateRequest({ commonName: 'admin', organizations: ['system:masters'] })).csrPem,
    );
    expect(nodeClientRequestProblems(admin)).toEqual([
      'subject common name must begin with "system:node:"',
      'subject organization must be exactly ["system:nodes"]',
    ]);
    const withSans = await readCertificateRequest(
      (await createCertificateRequest(node, altNamesFrom(['n1']))).csrPem,
    );
    expect(nodeClientRequestProblems(withSans)).toEqual(['DNS and IP subjectAltNames are not allowed']);
    const n1 = await readCertificateRequest((await createCertificateRequest(node)).csrPem);
    expect(nodeClientRequestProblems(n1, 'n2')).toEqual(['subject common name must be "system:node:n2"']);
  });
});
