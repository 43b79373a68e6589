import { X509Certificate } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { altNamesFrom } from './alt-names.ts';
import { createCertificateAuthority, type CertificateAuthority } from './authority.ts';
import { issueClientCertificate, issueServingCertificate } from './issue.ts';
import { fromX509Name } from './subject.ts';
import { x509 } from './x509.ts';
import { httpsGet, startTlsServer, type TestServer } from './testing/tls-server.ts';

let ca: CertificateAuthority;
const servers: TestServer[] = [];
beforeAll(async () => {
  ca = await createCertificateAuthority();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(tls: { cert: string; key: string }, host?: string) {
  const server = await startTlsServer(tls, (_socket, _req, res) => res.end('ok'), host);
  servers.push(server);
  return server.port;
}

describe('issueServingCertificate', () => {
  it('is trusted by a TLS client that trusts the CA, for every SAN', async () => {
    const serving = await issueServingCertificate(ca, {
      altNames: altNamesFrom(['localhost', '127.0.0.1', '::1', 'node-1.flotilla']),
    });
    const port = await serve({ cert: serving.certPem, key: serving.keyPem });
    for (const servername of ['localhost', 'node-1.flotilla', undefined]) {
      await expect(httpsGet(port, '/', { ca: ca.certPem, servername })).resolves.toEqual({
        status: 200,
        body: 'ok',
      });
    }
    const v6port = await serve({ cert: serving.certPem, key: serving.keyPem }, '::1');
    await expect(httpsGet(v6port, '/', { host: '::1', ca: ca.certPem })).resolves.toMatchObject({
      status: 200,
    });
  });

  it('is refused for a name it does not carry, or by a client that does not trust the CA', async () => {
    const serving = await issueServingCertificate(ca, { altNames: altNamesFrom(['localhost', '127.0.0.1']) });
    const port = await serve({ cert: serving.certPem, key: serving.keyPem });
    await expect(httpsGet(port, '/', { ca: ca.certPem, servername: 'elsewhere.example' })).rejects.toThrow(
      /altnames/i,
    );
    const otherCa = await createCertificateAuthority();
    await expect(httpsGet(port, '/', { ca: otherCa.certPem })).rejects.toThrow(
      /self-signed|unable to verify/i,
    );
  });

  it('is for server authentication only and expires in a year', async () => {
    const now = new Date('2031-05-01T00:00:00Z');
    const serving = await issueServingCertificate(ca, { altNames: altNamesFrom(['10.96.0.1']), now });
    const cert = new X509Certificate(serving.certPem);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.subjectAltName).toBe('IP Address:10.96.0.1');
    expect(cert.ca).toBe(false);
    expect(new Date(cert.validTo).toISOString()).toBe('2032-04-30T00:00:00.000Z');
  });
});

describe('issueClientCertificate', () => {
  it('names the user in CN and the groups in O, for client authentication', async () => {
    const client = await issueClientCertificate(ca, {
      commonName: 'system:node:n1',
      organizations: ['system:nodes', 'flotilla:workers'],
    });
    const cert = new X509Certificate(client.certPem);
    expect(fromX509Name(new x509.X509Certificate(client.certPem).subjectName)).toEqual({
      commonName: 'system:node:n1',
      organizations: ['system:nodes', 'flotilla:workers'],
    });
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('is presented by a TLS client to a server that asks for it', async () => {
    const serving = await issueServingCertificate(ca, { altNames: altNamesFrom(['127.0.0.1']) });
    const client = await issueClientCertificate(ca, {
      commonName: 'admin',
      organizations: ['system:masters'],
    });
    const server = await startTlsServer({ cert: serving.certPem, key: serving.keyPem }, (socket, _req, res) =>
      res.end(socket.getPeerX509Certificate()?.subject ?? 'none'),
    );
    servers.push(server);
    const res = await httpsGet(server.port, '/', {
      ca: ca.certPem,
      cert: client.certPem,
      key: client.keyPem,
    });
    expect(res.body).toBe('O=system:masters\nCN=admin');
  });
});
