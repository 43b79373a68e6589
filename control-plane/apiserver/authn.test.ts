import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CertAuthenticator } from '../auth/cert-authenticator.ts';
import { createCertificateAuthority } from '../pki/authority.ts';
import { issueClientCertificate } from '../pki/issue.ts';
import { RequestAuthenticator } from './authn.ts';
import { StatusError } from './status.ts';

/** A plain (non-TLS) request carrying only headers: what token authentication looks at. */
const request = (headers: Record<string, string>) => ({ headers, socket: {} }) as unknown as IncomingMessage;

class CountingTokens {
  calls = 0;
  authenticate(token: string) {
    this.calls++;
    return token === 'good' ? { username: 'bob', groups: ['dev'] } : undefined;
  }
}

describe('RequestAuthenticator', () => {
  it('finds the user of a bearer token and adds system:authenticated', async () => {
    const auth = new RequestAuthenticator({ tokens: new CountingTokens() });
    expect(await auth.authenticate(request({ authorization: 'Bearer good' }))).toEqual({
      username: 'bob',
      groups: ['dev', 'system:authenticated'],
    });
  });

  it('has no user for a request without credentials', async () => {
    expect(await new RequestAuthenticator().authenticate(request({}))).toBeUndefined();
  });

  it('refuses unknown tokens and other schemes with 401', async () => {
    const auth = new RequestAuthenticator({ tokens: new CountingTokens() });
    for (const authorization of ['Bearer bad', 'Basic dXNlcjpwdw==', 'Bearer'])
      await expect(auth.authenticate(request({ authorization }))).rejects.toBeInstanceOf(StatusError);
  });

  it('remembers answers for a while instead of asking the token store on every request', async () => {
    const tokens = new CountingTokens();
    const auth = new RequestAuthenticator({ tokens, tokenCacheMs: 60_000 });
    for (let i = 0; i < 5; i++) await auth.authenticate(request({ authorization: 'Bearer good' }));
    expect(tokens.calls).toBe(1);
    const uncached = new RequestAuthenticator({ tokens, tokenCacheMs: 0 });
    await uncached.authenticate(request({ authorization: 'Bearer good' }));
    await uncached.authenticate(request({ authorization: 'Bearer good' }));
    expect(tokens.calls).toBe(3);
  });
});

describe('RequestAuthenticator with client certificates', () => {
  // A TLS socket as the request handler sees it: the peer's certificate and nothing else.
  const tlsRequest = (certPem: string) => {
    const cert = new X509Certificate(certPem);
    return {
      headers: {},
      socket: { getPeerCertificate: () => ({}), getPeerX509Certificate: () => cert },
    } as unknown as IncomingMessage;
  };

  it('verifies a certificate once for all the connections that present it, and refuses a foreign one', async () => {
    const ca = await createCertificateAuthority();
    const other = await createCertificateAuthority();
    const admin = await issueClientCertificate(ca, {
      commonName: 'admin',
      organizations: ['system:masters'],
    });
    const stranger = await issueClientCertificate(other, { commonName: 'admin' });
    const real = new CertAuthenticator(ca.certPem);
    let verifications = 0;
    const counted = { authenticate: (socket: any) => (verifications++, real.authenticate(socket)) };
    const authn = new RequestAuthenticator({ certificates: counted });
    for (let connection = 0; connection < 3; connection++) {
      expect(await authn.authenticate(tlsRequest(admin.certPem))).toEqual({
        username: 'admin',
        groups: ['system:masters', 'system:authenticated'],
      });
    }
    expect(verifications).toBe(1);
    expect(await authn.authenticate(tlsRequest(stranger.certPem))).toBeUndefined();
    expect(await authn.authenticate(tlsRequest(stranger.certPem))).toBeUndefined();
    expect(verifications).toBe(3);
  });
});
