// The real kubectl reads our kubeconfig files and, through them, trusts our serving certificate
// and authenticates with our client certificates and tokens.
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertAuthenticator } from './auth/cert-authenticator.ts';
import { parseBearerToken } from './auth/token.ts';
import { TokenAuthenticator } from './auth/token-authenticator.ts';
import { TokenStore } from './auth/token-store.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { ensureClientCertificate, ensureClusterPki, type ClusterPki } from './pki/cluster-pki.ts';
import { startTlsServer, type TestServer } from './pki/testing/tls-server.ts';

const run = promisify(execFile);
const kubectl = (kubeconfig: string, ...args: string[]) =>
  run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 }).then((r) => r.stdout);

let dir: string;
let pki: ClusterPki;
let tokens: TokenStore;
let server: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-kubeconfig-'));
  pki = await ensureClusterPki(join(dir, 'pki'));
  tokens = TokenStore.open(join(dir, 'tokens.json'));
  const certs = new CertAuthenticator(pki.ca);
  const bearer = new TokenAuthenticator(tokens);
  // A stand-in API server: /whoami names the authenticated user, /version is what clients probe.
  server = await startTlsServer({ cert: pki.cert, key: pki.key }, (socket, req, res) => {
    const token = parseBearerToken(req.headers.authorization);
    const user = certs.authenticate(socket) ?? (token ? bearer.authenticate(token) : undefined);
    res.setHeader('content-type', 'application/json');
    if (!user) {
      res.statusCode = 401;
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Unauthorized',
          code: 401,
        }),
      );
    } else if (req.url === '/whoami') {
      res.end(JSON.stringify(user));
    } else if (req.url?.startsWith('/version')) {
      res.end(
        JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0-flotilla', platform: 'linux/amd64' }),
      );
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('writeKubeconfig', () => {
  it('writes a private file kubectl reads back unchanged', async () => {
    const path = join(dir, 'token.kubeconfig');
    writeKubeconfig(path, {
      clusterName: 'demo',
      server: 'https://127.0.0.1:6443',
      caCertPem: pki.ca,
      userName: 'admin',
      credentials: { token: 'abc.def' },
      namespace: 'kube-system',
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const view = JSON.parse(await kubectl(path, 'config', 'view', '--raw', '-o', 'json'));
    expect(view['current-context']).toBe('admin@demo');
    expect(view.clusters[0].cluster.server).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(view.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(
      pki.ca,
    );
    expect(view.users[0]).toEqual({ name: 'admin', user: { token: 'abc.def' } });
    expect(view.contexts[0].context).toEqual({ cluster: 'demo', user: 'admin', namespace: 'kube-system' });
  });

  /** A kubeconfig for a system:masters client certificate from our CA, dialling 127.0.0.1. */
  async function adminKubeconfig(file: string): Promise<string> {
    const admin = await ensureClientCertificate(pki.dir, 'admin', pki.authority, {
      commonName: 'admin',
      organizations: ['system:masters'],
    });
    const path = join(dir, file);
    writeKubeconfig(path, {
      clusterName: 'demo',
      server: `https://127.0.0.1:${server.port}`,
      caCertPem: pki.ca,
      userName: 'admin',
      credentials: { clientCertificatePem: admin.certPem, clientKeyPem: admin.keyPem },
    });
    return path;
  }

  it('lets kubectl authenticate with a client certificate, trusting our CA', async () => {
    const path = await adminKubeconfig('admin.kubeconfig');
    expect(JSON.parse(await kubectl(path, 'get', '--raw', '/whoami'))).toEqual({
      username: 'admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('lets kubectl authenticate with a bearer token, also when dialling localhost', async () => {
    const { token } = tokens.issue({ username: 'alice', groups: ['developers'] });
    const path = join(dir, 'alice.kubeconfig');
    writeKubeconfig(path, {
      clusterName: 'demo',
      server: `https://localhost:${server.port}`,
      caCertPem: pki.ca,
      userName: 'alice',
      credentials: { token },
    });
    expect(JSON.parse(await kubectl(path, 'get', '--raw', '/whoami'))).toEqual({
      username: 'alice',
      groups: ['developers', 'system:authenticated'],
    });
  });

  it('is understood by @kubernetes/client-node, which authenticates with the client certificate', async () => {
    const path = await adminKubeconfig('client-node.kubeconfig');
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    expect(kc.getCurrentCluster()?.server).toBe(`https://127.0.0.1:${server.port}`);
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.32.0-flotilla');
  });

  it('makes kubectl refuse a server whose certificate another CA signed', async () => {
    const other = await ensureClusterPki(join(dir, 'other-pki'));
    const path = join(dir, 'wrong-ca.kubeconfig');
    writeKubeconfig(path, {
      clusterName: 'demo',
      server: `https://127.0.0.1:${server.port}`,
      caCertPem: other.ca,
      userName: 'nobody',
      credentials: { token: 'x' },
    });
    await expect(kubectl(path, 'get', '--raw', '/whoami')).rejects.toThrow(
      /certificate signed by unknown authority/,
    );
  });
});
