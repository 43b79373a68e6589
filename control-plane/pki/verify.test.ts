import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { altNamesFrom } from './alt-names.ts';
import { createCertificateAuthority, type CertificateAuthority } from './authority.ts';
import { issueClientCertificate, issueServingCertificate } from './issue.ts';
import { verifyCertificate, verifyClientCertificate } from './verify.ts';

let ca: CertificateAuthority;
beforeAll(async () => {
  ca = await createCertificateAuthority();
});

const admin = { commonName: 'admin', organizations: ['system:masters'] };

describe('verifyClientCertificate', () => {
  it('extracts the user and groups of a certificate our CA issued, from PEM, DER or a parsed certificate', async () => {
    const { certPem } = await issueClientCertificate(ca, admin);
    const parsed = new X509Certificate(certPem);
    for (const input of [certPem, parsed.raw, parsed]) {
      expect(verifyClientCertificate(ca.certPem, input)).toMatchObject({ ok: true, subject: admin });
    }
  });

  it('refuses a certificate from another CA with the same name', async () => {
    const impostor = await createCertificateAuthority();
    const { certPem } = await issueClientCertificate(impostor, admin);
    expect(verifyClientCertificate(ca.certPem, certPem)).toEqual({
      ok: false,
      reason: 'certificate signed by unknown authority',
    });
  });

  it('refuses an expired or not yet valid certificate', async () => {
    const { certPem } = await issueClientCertificate(ca, admin, { validityDays: 1 });
    const later = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    expect(verifyClientCertificate(ca.certPem, certPem, later)).toMatchObject({
      ok: false,
      reason: /expired/,
    });
    const earlier = new Date(Date.now() - 24 * 3600 * 1000);
    expect(verifyClientCertificate(ca.certPem, certPem, earlier)).toMatchObject({
      ok: false,
      reason: /not valid before/,
    });
  });

  it('refuses a serving certificate used as a client certificate', async () => {
    const { certPem } = await issueServingCertificate(ca, { altNames: altNamesFrom(['127.0.0.1']) });
    expect(verifyClientCertificate(ca.certPem, certPem)).toEqual({
      ok: false,
      reason: 'certificate is not valid for client authentication',
    });
    expect(verifyCertificate(ca.certPem, certPem, { usage: 'server' })).toMatchObject({ ok: true });
  });

  it('refuses the CA certificate itself and garbage', () => {
    expect(verifyClientCertificate(ca.certPem, ca.certPem)).toMatchObject({
      ok: false,
      reason: /CA certificate/,
    });
    expect(verifyClientCertificate(ca.certPem, Buffer.from('not a certificate'))).toMatchObject({
      ok: false,
      reason: /unparseable/,
    });
  });

  it('refuses a certificate without a user name', async () => {
    const { certPem } = await issueClientCertificate(ca, {
      commonName: '',
      organizations: ['system:masters'],
    });
    expect(verifyClientCertificate(ca.certPem, certPem)).toMatchObject({
      ok: false,
      reason: /empty common name/,
    });
  });
});
