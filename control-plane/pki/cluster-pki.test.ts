import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureClientCertificate, ensureClusterPki } from './cluster-pki.ts';
import { verifyClientCertificate } from './verify.ts';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'flotilla-pki-')), 'pki');
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const mode = (name: string) => statSync(join(dir, name)).mode & 0o777;
const yearsAgo = (n: number) => new Date(Date.now() - n * 365 * 24 * 3600 * 1000);

describe('ensureClusterPki', () => {
  it('creates the CA and an API server certificate, keys readable only by the owner', async () => {
    const pki = await ensureClusterPki(dir, { sans: ['10.96.0.1', 'node-1'] });
    expect(pki.ca).toBe(read('ca.crt'));
    expect(pki.cert).toBe(read('apiserver.crt'));
    expect(pki.key).toBe(read('apiserver.key'));
    expect(read('ca.key')).toMatch(/PRIVATE KEY/);
    expect(mode('ca.key')).toBe(0o600);
    expect(mode('apiserver.key')).toBe(0o600);
    expect(mode('ca.crt')).toBe(0o644);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(pki.servingIssuedBecause).toBe('missing');

    const cert = new X509Certificate(pki.cert);
    expect(cert.checkIssued(new X509Certificate(pki.ca))).toBe(true);
    for (const name of [
      'DNS:localhost',
      'DNS:kubernetes.default.svc',
      'DNS:node-1',
      'IP Address:127.0.0.1',
    ]) {
      expect(cert.subjectAltName).toContain(name);
    }
    expect(cert.subjectAltName).toContain('IP Address:10.96.0.1');
    expect(cert.subjectAltName).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)/);
  });

  it('creates missing parent directories privately', async () => {
    const nested = join(dir, 'a', 'b');
    await ensureClusterPki(nested);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(nested, 'ca.key')).mode & 0o777).toBe(0o600);
  });

  it('loads everything on the next start instead of regenerating', async () => {
    const first = await ensureClusterPki(dir, { sans: ['10.96.0.1'] });
    const second = await ensureClusterPki(dir, { sans: ['10.96.0.1'] });
    expect(second).toMatchObject({ ca: first.ca, cert: first.cert, key: first.key });
    expect(second.servingIssuedBecause).toBeUndefined();
  });

  it('reissues the serving certificate when a SAN is added, keeping the CA', async () => {
    const first = await ensureClusterPki(dir);
    const second = await ensureClusterPki(dir, { sans: ['192.168.64.2'] });
    expect(second.ca).toBe(first.ca);
    expect(second.cert).not.toBe(first.cert);
    expect(second.servingIssuedBecause).toBe('lacks IP:192.168.64.2');
    expect(new X509Certificate(second.cert).subjectAltName).toContain('IP Address:192.168.64.2');
  });

  it('reissues an expired serving certificate, keeping the CA', async () => {
    const first = await ensureClusterPki(dir, { now: yearsAgo(2) });
    const second = await ensureClusterPki(dir);
    expect(second.ca).toBe(first.ca);
    expect(second.servingIssuedBecause).toMatch(/expired/);
    expect(new Date(new X509Certificate(second.cert).validTo) > new Date()).toBe(true);
  });

  it('reissues a serving certificate whose key was replaced or that another CA signed', async () => {
    const first = await ensureClusterPki(dir);
    writeFileSync(join(dir, 'apiserver.key'), (await ensureClusterPki(join(dir, 'other'))).key);
    expect((await ensureClusterPki(dir)).servingIssuedBecause).toBe('does not match its key');

    const other = await ensureClusterPki(join(dir, 'other'));
    writeFileSync(join(dir, 'apiserver.crt'), other.cert);
    writeFileSync(join(dir, 'apiserver.key'), other.key);
    const again = await ensureClusterPki(dir);
    expect(again.servingIssuedBecause).toBe('certificate signed by unknown authority');
    expect(again.ca).toBe(first.ca);
  });

  it('makes one CA when several callers start at once', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureClusterPki(dir)));
    expect(new Set(results.map((r) => r.ca)).size).toBe(1);
    expect(results[0]!.ca).toBe(read('ca.crt'));
    const final = await ensureClusterPki(dir);
    expect(final.ca).toBe(results[0]!.ca);
    expect(final.servingIssuedBecause).toBeUndefined();
    for (const r of results)
      expect(new X509Certificate(r.cert).checkIssued(new X509Certificate(r.ca))).toBe(true);
  });

  it('never replaces a CA of which one half is missing', async () => {
    await ensureClusterPki(dir);
    unlinkSync(join(dir, 'ca.key'));
    await expect(ensureClusterPki(dir)).rejects.toThrow(
      /ca\.key is missing.*refusing to replace the cluster CA/,
    );
  });
});

describe('ensureClientCertificate', () => {
  it('issues a client certificate once and reuses it while it fits', async () => {
    const { authority } = await ensureClusterPki(dir);
    const admin = { commonName: 'admin', organizations: ['system:masters'] };
    const first = await ensureClientCertificate(dir, 'admin', authority, admin);
    expect(first.issuedBecause).toBe('missing');
    expect(mode('admin.key')).toBe(0o600);
    expect(verifyClientCertificate(authority.certPem, first.certPem)).toMatchObject({
      ok: true,
      subject: admin,
    });

    const again = await ensureClientCertificate(dir, 'admin', authority, admin);
    expect(again).toEqual({ certPem: first.certPem, keyPem: first.keyPem });

    const renamed = await ensureClientCertificate(dir, 'admin', authority, {
      commonName: 'root',
      organizations: [],
    });
    expect(renamed.issuedBecause).toBe('has a different subject');
  });
});
