import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from './self-signed.ts';

describe('the ingress default certificate', () => {
  it('is a self-signed server certificate for the names and addresses asked for', async () => {
    const { cert, key } = await selfSignedCertificate('Flotilla Ingress Default Certificate', [
      '10.240.7.2',
      'fd00::1',
      'ingress.local',
    ]);
    const x509 = new X509Certificate(cert);
    expect(x509.subject).toBe('CN=Flotilla Ingress Default Certificate\nO=Flotilla');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(x509.subjectAltName).toBe(
      'DNS:ingress.local, IP Address:10.240.7.2, IP Address:FD00:0:0:0:0:0:0:1',
    );
    expect(x509.checkIP('10.240.7.2')).toBe('10.240.7.2');
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(Date.parse(x509.validFrom)).toBeLessThan(Date.now());
    expect(Date.parse(x509.validTo)).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
    // OpenSSL reads the extensions the same way.
    const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: cert }).toString();
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
  });

  it('serves TLS to a client that trusts it', async () => {
    const { cert, key } = await selfSignedCertificate('test', ['127.0.0.1']);
    const server = createServer({ cert, key }, (socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: cert });
      const [data] = (await once(socket, 'data')) as [Buffer];
      expect(data.toString()).toBe('hello');
      socket.destroy();
    } finally {
      server.close();
    }
  });
});
