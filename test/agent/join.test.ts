// `flotilla agent` joining a cluster with nothing but a bootstrap kubeconfig (server, CA and a
// bootstrap token bound to the node's name), as the installer sets it up: the agent trades the
// token for its own certificate, registers as system:node:<name> and runs pods with only the
// rights a node has. And the refused cases: a token bound to another node, an expired token.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { TokenStore } from '../../control-plane/auth/index.ts';
import { writeKubeconfig } from '../../control-plane/kubeconfig.ts';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';
import { startOneNodeCluster, type OneNodeCluster } from '../helpers/one-node-cluster.ts';
import { BUSYBOX_IMAGE } from '../helpers/images.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { kubectl, startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { netnsNodeSettings, startAgent, type AgentProcess } from './agent-process.ts';

const LONG = 180_000;

/** A bootstrap kubeconfig for `server` with a token bound to `nodeName` (issued next to the running server). */
function bootstrapKubeconfig(server: TestServer, dir: string, nodeName: string, ttlSeconds?: number): string {
  const { token } = TokenStore.open(join(server.dataDir, 'tokens.json')).issueBootstrapToken({
    nodeName,
    ttlSeconds: ttlSeconds ?? 3600,
  });
  const file = join(dir, `bootstrap-${nodeName}-${Math.random().toString(36).slice(2)}.yaml`);
  writeKubeconfig(file, {
    clusterName: 'flotilla',
    server: server.url,
    caCertPem: readFileSync(join(server.dataDir, 'pki', 'ca.crt'), 'utf8'),
    userName: 'kubelet-bootstrap',
    credentials: { token },
  });
  return file;
}

function writeConfig(dir: string, name: string, config: Record<string, unknown>): string {
  const file = join(dir, `agent-${name}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

function exitOf(agent: AgentProcess): Promise<number | null> {
  const p = agent.process;
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p.exitCode);
  return new Promise((done) => p.once('exit', (code) => done(code)));
}

describe.skipIf(netnsSkipReason() !== undefined)('flotilla agent joining with a bootstrap token', () => {
  let env: OneNodeCluster;
  let server: TestServer;
  let agent: AgentProcess;
  let node: NetnsNode;

  beforeAll(async () => {
    env = await startOneNodeCluster({
      prefix: 'flotilla-join-agent-',
      // The tests below watch the join itself.
      waitFor: 'nothing',
      startAgent: (node, server, dir) =>
        startAgent(
          writeConfig(dir, node.name, {
            ...netnsNodeSettings(node),
            bootstrapKubeconfig: bootstrapKubeconfig(server, dir, node.name),
          }),
        ),
    });
    ({ server, agent, node } = env);
  }, 300_000);

  afterAll(async () => {
    await env?.stop();
  }, 300_000);

  const getJson = (args: string[]) => env.getJson(args);

  it(
    'becomes system:node:<name> with an issued certificate, and its node turns Ready',
    async () => {
      await waitFor(
        async () =>
          (await getJson(['get', 'node', node.name]))?.status?.conditions?.find(
            (c: any) => c.type === 'Ready',
          )?.status === 'True',
        LONG,
        `node Ready\nagent output:\n${agent.output.slice(-3000)}`,
      );
      const kubeconfig = join(node.nodeDir, 'agent', 'kubeconfig.yaml');
      const who = await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
      expect(JSON.parse(who.stdout).status.userInfo.username).toBe(`system:node:${node.name}`);

      const csrs = (await server.kubectl(['get', 'csr', '--no-headers'])).stdout.split('\n');
      const client = csrs.find((l) => l.includes('kubernetes.io/kube-apiserver-client-kubelet'));
      expect(client).toMatch(
        /^node-csr-\S+\s+\S+\s+kubernetes\.io\/kube-apiserver-client-kubelet\s+system:bootstrap:[a-z0-9]{6}\s+<none>\s+Approved,Issued$/,
      );
      // The lease is renewed with the node's own credential.
      const lease = await getJson(['get', 'lease', '-n', 'kube-node-lease', node.name]);
      expect(lease.spec.holderIdentity).toBe(node.name);
    },
    LONG,
  );

  it(
    'gets a kubelet serving certificate for its own address',
    async () => {
      const row = await waitFor(
        async () =>
          (await server.kubectl(['get', 'csr', '--no-headers'])).stdout
            .split('\n')
            .find((l) => l.includes('kubernetes.io/kubelet-serving') && l.endsWith('Approved,Issued')),
        LONG,
        `serving CSR issued\nagent output:\n${agent.output.slice(-3000)}`,
      );
      expect(row).toContain(`system:node:${node.name}`);
    },
    LONG,
  );

  it(
    'runs a pod that reads a ConfigMap and a Secret with the rights of a node',
    async () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'joined', namespace: 'default' },
        spec: {
          nodeName: node.name,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: BUSYBOX_IMAGE,
              command: ['sh', '-c', 'cat /secret/password; sleep 3600'],
              env: [
                {
                  name: 'GREETING',
                  valueFrom: { configMapKeyRef: { name: 'join-config', key: 'greeting' } },
                },
              ],
              volumeMounts: [{ name: 'secret', mountPath: '/secret' }],
            },
          ],
          volumes: [{ name: 'secret', secret: { secretName: 'join-secret' } }],
        },
      };
      const res = await server.kubectl(['apply', '-f', '-'], {
        input: [
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: join-config}\ndata: {greeting: hello}',
          'apiVersion: v1\nkind: Secret\nmetadata: {name: join-secret}\nstringData: {password: s3cret}',
          JSON.stringify(pod),
        ].join('\n---\n'),
      });
      expect(res.stderr).toBe('');
      await waitFor(
        async () => (await getJson(['get', 'pod', 'joined']))?.status?.phase === 'Running',
        LONG,
        `pod Running\nagent output:\n${agent.output.slice(-3000)}`,
      );
      // Nothing the agent did on the way was refused to it as a node.
      expect(agent.output).not.toMatch(/is forbidden/);
    },
    LONG,
  );
});

describe('flotilla agent refused at the door', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-join-refused-'));
    server = await startServer();
  }, LONG);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, LONG);

  /** An agent that never gets past its bootstrap: no containerd is needed. */
  function refusedAgent(nodeName: string, bootstrap: string): AgentProcess {
    return startAgent(
      writeConfig(dir, nodeName, {
        nodeName,
        bootstrapKubeconfig: bootstrap,
        bootstrapTimeoutSeconds: 5,
        containerRuntimeEndpoint: join(dir, 'no-containerd.sock'),
        dataDir: join(dir, `${nodeName}-${Math.random().toString(36).slice(2)}`),
        nodeIP: '10.98.0.2',
      }),
    );
  }

  it(
    'with a token bound to another node: the CSR stays Pending and the agent says why it stops',
    async () => {
      const agent = refusedAgent('node-b', bootstrapKubeconfig(server, dir, 'node-a'));
      expect(await exitOf(agent)).toBe(1);
      expect(agent.output).toMatch(
        /flotilla agent: certificate signing request (node-csr-\S+) \(kubernetes\.io\/kube-apiserver-client-kubelet, system:node:node-b\) was not approved within 5 s\..*kubectl certificate approve node-csr-/,
      );
      const name = /request (node-csr-\S+) /.exec(agent.output)![1]!;
      expect((await server.kubectl(['get', 'csr', name, '--no-headers'])).stdout).toMatch(/\sPending\n$/);
    },
    LONG,
  );

  it(
    'with an expired token: 401 Unauthorized',
    async () => {
      const agent = refusedAgent('node-c', bootstrapKubeconfig(server, dir, 'node-c', 0));
      expect(await exitOf(agent)).toBe(1);
      expect(agent.output).toMatch(/flotilla agent: .*Unauthorized/);
    },
    LONG,
  );
});
