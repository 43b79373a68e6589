import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, loadCertificateAuthority } from './authority.ts';

describe('createCertificateAuthority', () => {
  it('makes a self-signed CA named flotilla-ca, valid for ten years', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const ca = await createCertificateAuthority({ now });
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=flotilla-ca');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const years = (new Date(cert.validTo).getTime() - now.getTime()) / (365.25 * 24 * 3600 * 1000);
    expect(years).toBeGreaterThan(9.9);
    expect(new Date(cert.validFrom) <= now).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('gives every CA its own key', async () => {
    const [a, b] = await Promise.all([createCertificateAuthority(), createCertificateAuthority()]);
    expect(a.keyPem).not.toBe(b.keyPem);
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });
});

describe('loadCertificateAuthority', () => {
  it('loads a CA from its PEMs', async () => {
    const ca = await createCertificateAuthority();
    const loaded = await loadCertificateAuthority(ca.certPem, ca.keyPem);
    expect(loaded.cert.subject).toBe('CN=flotilla-ca');
  });

  it('refuses a key that belongs to another certificate', async () => {
    const [a, b] = await Promise.all([createCertificateAuthority(), createCertificateAuthority()]);
    await expect(loadCertificateAuthority(a.certPem, b.keyPem)).rejects.toThrow(/does not match/);
  });
});
