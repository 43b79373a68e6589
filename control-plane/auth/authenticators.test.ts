// Both authenticators behind a real HTTPS server on 127.0.0.1 that asks for a client certificate
// without requiring one, as the API server does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { altNamesFrom } from '../pki/alt-names.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../pki/authority.ts';
import { issueClientCertificate, issueServingCertificate, type IssuedCertificate } from '../pki/issue.ts';
import { httpsGet, startTlsServer, type TestServer } from '../pki/testing/tls-server.ts';
import { CertAuthenticator } from './cert-authenticator.ts';
import { parseBearerToken } from './token.ts';
import { TokenAuthenticator } from './token-authenticator.ts';
import { TokenStore } from './token-store.ts';

let ca: CertificateAuthority;
let admin: IssuedCertificate;
let server: TestServer;
let store: TokenStore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-authn-'));
  ca = await createCertificateAuthority();
  admin = await issueClientCertificate(ca, { commonName: 'admin', organizations: ['system:masters'] });
  const serving = await issueServingCertificate(ca, { altNames: altNamesFrom(['127.0.0.1']) });
  store = TokenStore.open(join(dir, 'tokens.json'));
  const certs = new CertAuthenticator(ca.certPem);
  const tokens = new TokenAuthenticator(store);
  // Answers with who the request is from: certificate first, then bearer token, like kube-apiserver.
  server = await startTlsServer(
    { cert: serving.certPem, key: serving.keyPem, ca: ca.certPem },
    (socket, req, res) => {
      const token = parseBearerToken(req.headers.authorization);
      const user = certs.authenticate(socket) ?? (token ? tokens.authenticate(token) : undefined);
      const check = certs.check(socket);
      res.statusCode = user ? 200 : 401;
      res.end(JSON.stringify(user ?? { reason: check && !check.ok ? check.reason : 'anonymous' }));
    },
  );
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const whoami = async (opts: Parameters<typeof httpsGet>[2]) => {
  const res = await httpsGet(server.port, '/whoami', { ca: ca.certPem, ...opts });
  return { status: res.status, body: JSON.parse(res.body) };
};

describe('CertAuthenticator', () => {
  it('knows the user of a client certificate our CA issued', async () => {
    expect(await whoami({ cert: admin.certPem, key: admin.keyPem })).toEqual({
      status: 200,
      body: { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
    });
  });

  it('knows a node by its certificate', async () => {
    const node = await issueClientCertificate(ca, {
      commonName: 'system:node:n1',
      organizations: ['system:nodes'],
    });
    expect((await whoami({ cert: node.certPem, key: node.keyPem })).body).toEqual({
      username: 'system:node:n1',
      groups: ['system:nodes', 'system:authenticated'],
    });
  });

  it('refuses a certificate from another CA and an expired one', async () => {
    const impostor = await issueClientCertificate(await createCertificateAuthority(), {
      commonName: 'admin',
      organizations: ['system:masters'],
    });
    expect(await whoami({ cert: impostor.certPem, key: impostor.keyPem })).toEqual({
      status: 401,
      body: { reason: 'certificate signed by unknown authority' },
    });

    const expired = await issueClientCertificate(
      ca,
      { commonName: 'admin', organizations: ['system:masters'] },
      {
        now: new Date(Date.now() - 3 * 24 * 3600 * 1000),
        validityDays: 1,
      },
    );
    const res = await whoami({ cert: expired.certPem, key: expired.keyPem });
    expect(res.status).toBe(401);
    expect(res.body.reason).toMatch(/expired/);
  });

  it('does not authenticate a connection without a certificate', async () => {
    expect(await whoami({})).toEqual({ status: 401, body: { reason: 'anonymous' } });
  });
});

describe('TokenAuthenticator', () => {
  it('knows the user of a bearer token', async () => {
    const { token } = store.issue({ username: 'alice', uid: 'u-1', groups: ['developers'] });
    expect(await whoami({ headers: { Authorization: `Bearer ${token}` } })).toEqual({
      status: 200,
      body: { username: 'alice', uid: 'u-1', groups: ['developers', 'system:authenticated'] },
    });
  });

  it('knows a bootstrap token until it is revoked', async () => {
    const { token, record } = store.issueBootstrapToken();
    const res = await whoami({ headers: { Authorization: `Bearer ${token}` } });
    expect(res.body.username).toBe(`system:bootstrap:${record.id}`);
    expect(res.body.groups).toContain('system:bootstrappers');
    store.revoke(record.id);
    expect((await whoami({ headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('refuses unknown tokens', async () => {
    expect((await whoami({ headers: { Authorization: 'Bearer not-a-token' } })).status).toBe(401);
  });
});
