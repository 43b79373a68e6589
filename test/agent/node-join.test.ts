// Node join without a netns node: a real control plane (approver and signer running), the
// agent's TLS bootstrap (ensureNodeCredentials) with a bootstrap token bound to one node, and
// the real kubectl. What a user sees: the node ends up as system:node:<name>, `kubectl get csr`
// shows Approved,Issued, a token for another node gets nothing until a human approves, an
// expired token is refused, and a node gets a serving certificate only for its own addresses.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import {
  ensureNodeCredentials,
  ensureServingCertificate,
  RotatingTransport,
} from '../../agent/bootstrap/index.ts';
import { parseAgentConfig, type AgentConfig } from '../../agent/config.ts';
import { writeKubeconfig } from '../../control-plane/kubeconfig.ts';
import { startControlPlane, type RunningControlPlane } from '../../control-plane/serve.ts';
import { kubectl, rawRequest, waitFor } from '../helpers/server.ts';

const LONG = 120_000;

describe('node join with a bootstrap token', () => {
  let dir: string;
  let plane: RunningControlPlane;
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-join-'));
    plane = await startControlPlane({
      dataDir: join(dir, 'cp'),
      port: 0,
      log: () => {},
      scheduler: false,
      controllers: { names: ['csrapproving', 'csrsigning'] },
    });
  }, LONG);

  afterAll(async () => {
    for (const c of clients) c.close();
    await plane?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, LONG);

  const admin = (args: string[]) => kubectl(args, { kubeconfig: plane.kubeconfigPath });

  /** The agent config of a node that has only a bootstrap kubeconfig with `token`. */
  function nodeConfig(nodeName: string, token: string, extra: Record<string, unknown> = {}): AgentConfig {
    const nodeDir = mkdtempSync(join(dir, `${nodeName}-`));
    const bootstrapKubeconfig = join(nodeDir, 'bootstrap-kubeconfig.yaml');
    writeKubeconfig(bootstrapKubeconfig, {
      clusterName: 'flotilla',
      server: plane.apiUrl,
      caCertPem: readFileSync(join(plane.dataDir, 'pki', 'ca.crt'), 'utf8'),
      userName: 'kubelet-bootstrap',
      credentials: { token },
    });
    return parseAgentConfig({
      nodeName,
      nodeIP: '10.99.0.7',
      dataDir: join(nodeDir, 'agent'),
      bootstrapKubeconfig,
      ...extra,
    });
  }

  function clientOf(kubeconfig: string): Client {
    const c = new Client(nodeTransportFromKubeconfig({ kubeconfig }));
    clients.push(c);
    return c;
  }

  async function whoami(kubeconfig: string): Promise<any> {
    const res = await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
    expect(res.stderr).toBe('');
    return JSON.parse(res.stdout).status.userInfo;
  }

  const csrs = async () => JSON.parse((await admin(['get', 'csr', '-o', 'json'])).stdout).items as any[];

  it(
    'trades a token bound to the node for a client certificate of system:node:<name>',
    async () => {
      const token = await plane.issueBootstrapToken({ nodeName: 'join-a' });
      expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
      const config = nodeConfig('join-a', token);
      expect(config.kubeconfig).toBe(join(config.dataDir, 'kubeconfig.yaml'));

      await ensureNodeCredentials(config);

      expect(await whoami(config.kubeconfig!)).toEqual({
        username: 'system:node:join-a',
        groups: ['system:nodes', 'system:authenticated'],
      });
      for (const f of ['kubeconfig.yaml', 'pki/kubelet-client.crt', 'pki/kubelet-client.key'])
        expect(statSync(join(config.dataDir, f)).mode & 0o777, f).toBe(0o600);
      // The key was made on the node: the kubeconfig names files, the token is not in it.
      expect(readFileSync(config.kubeconfig!, 'utf8')).not.toContain(token);

      const table = await admin(['get', 'csr']);
      expect(table.stdout).toMatch(/^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION/);
      const row = table.stdout.split('\n').find((l) => l.includes(`system:bootstrap:${token.slice(0, 6)}`));
      expect(row).toMatch(
        /^node-csr-\S+\s+\S+\s+kubernetes\.io\/kube-apiserver-client-kubelet\s+system:bootstrap:\S+\s+<none>\s+Approved,Issued$/,
      );

      // A second start finds the credential and asks for nothing.
      const before = (await csrs()).length;
      await ensureNodeCredentials(config);
      expect((await csrs()).length).toBe(before);

      // Late in the certificate's life, a start renews it as the node itself.
      const certFile = join(config.dataDir, 'pki', 'kubelet-client.crt');
      const old = new X509Certificate(readFileSync(certFile));
      await ensureNodeCredentials(config, { now: () => Date.parse(old.validTo) - 3_600_000 });
      const renewed = new X509Certificate(readFileSync(certFile));
      expect(renewed.serialNumber).not.toBe(old.serialNumber);
      const renewal = (await csrs()).find((c) => c.spec.username === 'system:node:join-a');
      expect(renewal?.status?.conditions?.[0]).toMatchObject({ type: 'Approved', reason: 'AutoApproved' });
      expect((await whoami(config.kubeconfig!)).username).toBe('system:node:join-a');

      // While the agent runs, its client renews the certificate and goes on with the new one.
      const transport = new RotatingTransport(config, { renewAt: () => Date.now() + 100 });
      clients.push(new Client(transport)); // closed with the others
      const serial = new X509Certificate(readFileSync(certFile)).serialNumber;
      await waitFor(() => transport.rotations >= 1, LONG, 'certificate rotated');
      expect(new X509Certificate(readFileSync(certFile)).serialNumber).not.toBe(serial);
      const review = await transport.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      });
      expect((review.body as any).status.userInfo.username).toBe('system:node:join-a');
    },
    LONG,
  );

  it(
    'leaves a token bound to another node pending, with a clear error, until kubectl certificate approve',
    async () => {
      const token = await plane.issueBootstrapToken({ nodeName: 'join-b' });
      const wrong = nodeConfig('join-c', token, { bootstrapTimeoutSeconds: 3 });
      await expect(ensureNodeCredentials(wrong)).rejects.toThrow(
        /certificate signing request node-csr-\S+ .*system:node:join-c.* was not approved within 3 s.*kubectl certificate approve node-csr-/,
      );
      const pending = (await csrs()).find(
        (c) => c.spec.username === `system:bootstrap:${token.slice(0, 6)}` && !c.status?.conditions,
      );
      expect(pending, 'the refused CSR stays Pending').toBeDefined();

      // A human may still decide: approving by hand lets a waiting node in.
      const patient = nodeConfig('join-c', token, { bootstrapTimeoutSeconds: 120 });
      const joining = ensureNodeCredentials(patient);
      const name = await waitFor(
        async () =>
          (await csrs()).find(
            (c) => c.metadata.name !== pending.metadata.name && c.spec.username === pending.spec.username,
          )?.metadata.name,
        LONG,
        'second CSR',
      );
      const approve = await admin(['certificate', 'approve', name]);
      expect(approve.stdout.trim()).toBe(`certificatesigningrequest.certificates.k8s.io/${name} approved`);
      await joining;
      expect((await whoami(patient.kubeconfig!)).username).toBe('system:node:join-c');
      expect((await admin(['get', 'csr', name, '--no-headers'])).stdout).toMatch(/Approved,Issued/);
    },
    LONG,
  );

  it(
    'refuses an expired bootstrap token with 401',
    async () => {
      const token = await plane.issueBootstrapToken({ nodeName: 'join-d', ttlSeconds: 0 });
      const res = await rawRequest(
        { url: plane.apiUrl, dataDir: plane.dataDir },
        { path: '/apis/certificates.k8s.io/v1/certificatesigningrequests', as: { token } },
      );
      expect(res.status).toBe(401);
      await expect(ensureNodeCredentials(nodeConfig('join-d', token))).rejects.toThrow(/Unauthorized/);
    },
    LONG,
  );

  it(
    'gives a node a serving certificate for the addresses its Node reports, and nothing for others',
    async () => {
      const config = nodeConfig('join-e', await plane.issueBootstrapToken({ nodeName: 'join-e' }), {
        bootstrapTimeoutSeconds: 120,
      });
      await ensureNodeCredentials(config);
      const node = clientOf(config.kubeconfig!);
      await node.resource('v1', 'Node').create({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'join-e' },
        status: {
          addresses: [
            { type: 'InternalIP', address: config.nodeIP },
            { type: 'Hostname', address: 'join-e' },
          ],
        },
      });
      // NodeRestriction: its own Node only.
      await expect(
        node
          .resource('v1', 'Node')
          .create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'join-other' } }),
      ).rejects.toThrow(/node "join-e" is not allowed to modify node "join-other"/);
      const files = await ensureServingCertificate(config, node);
      const cert = new X509Certificate(readFileSync(files.certFile));
      expect(cert.subject).toContain('CN=system:node:join-e');
      expect(cert.subjectAltName).toContain(`IP Address:${config.nodeIP}`);
      expect(cert.subjectAltName).toContain('DNS:join-e');
      expect(
        cert.verify(new X509Certificate(readFileSync(join(plane.dataDir, 'pki', 'ca.crt'))).publicKey),
      ).toBe(true);
      expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);

      // The same node asking for an address it does not report waits for a human.
      const liar = {
        ...config,
        nodeIP: '10.99.0.200',
        dataDir: join(config.dataDir, 'other'),
        bootstrapTimeoutSeconds: 3,
      };
      await expect(ensureServingCertificate(liar, node)).rejects.toThrow(/was not approved within 3 s/);
    },
    LONG,
  );
});
