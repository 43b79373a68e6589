// Registry mirrors from cluster.yaml `registries`, written by the shared install path over SSH
// on a netns node, and used by the kubelet's pulls: with no internet here, a pod whose image
// is docker.io/flotilla/busybox:1 can only start if containerd went to the mirror.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSsh,
  installAgent,
  uninstallAgent,
  writeRegistryConfig,
  type SshSession,
} from '../../control-plane/provision/install/index.ts';
import { containerdPaths } from '../../control-plane/provision/netns/index.ts';
import { SSH_PORT } from '../../control-plane/provision/netns/sshd.ts';
import type { ProvisionedNode } from '../../control-plane/provision/provider.ts';
import { startAgent, writeAgentConfig, type AgentProcess } from '../agent/agent-process.ts';
import { serveTestImages, type TestRegistry } from '../helpers/images.ts';
import { createTestCluster, netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

const LONG = 300_000;
const MIRRORED_IMAGE = 'docker.io/flotilla/busybox:1';

describe.skipIf(netnsSkipReason() !== undefined)('registry mirrors on a netns node', () => {
  let cluster: TestCluster;
  let registry: TestRegistry;
  let privateRegistry: TestRegistry;
  let server: TestServer;
  let agent: AgentProcess;
  let ssh: SshSession;
  let node: ProvisionedNode;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-mirrors-test-'));
    // Only the pause image is imported: busybox must come through the mirror.
    cluster = await createTestCluster({ nodes: 1 });
    registry = await serveTestImages(cluster.gateway);
    privateRegistry = await serveTestImages(cluster.gateway, {
      auth: { username: 'puller', password: 's3cret' },
    });
    const netnsNode = cluster.nodes[0]!;
    node = {
      name: netnsNode.name,
      provider: 'netns',
      address: netnsNode.nodeIp,
      sshPort: SSH_PORT,
      sshUser: 'root',
      hostKey: netnsNode.sshHostPublicKey.trim(),
      apiServerAddress: cluster.gateway,
      agent: {
        serviceManager: 'detached',
        installDir: join(netnsNode.nodeDir, 'flotilla'),
        dataDir: join(netnsNode.nodeDir, 'agent'),
        containerRuntimeEndpoint: netnsNode.containerdSocket,
        cniConfDir: netnsNode.cniConfDir,
        cniBinDir: '/usr/lib/cni',
        registryConfigDir: containerdPaths(netnsNode.nodeDir).registryConfigDir,
        installPackages: false,
      },
      state: {},
    };
    ssh = await connectSsh(node, { privateKey: readFileSync(cluster.sshPrivateKeyFile, 'utf8') });
    server = await startServer({ args: ['--address', cluster.gateway] });
    agent = startAgent(writeAgentConfig(netnsNode, server.kubeconfig, dir));
  }, LONG);

  afterAll(async () => {
    await agent?.stop();
    if (ssh && node) await uninstallAgent(ssh, node).catch(() => undefined);
    ssh?.close();
    await server?.stop();
    await registry?.close();
    await privateRegistry?.close();
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, LONG);

  it('writes hosts.toml for the mirrored registry when the install path installs the agent', async () => {
    // The same call `cluster create` makes for every node (the agent is not started by it).
    await installAgent(ssh, node, {
      cluster: cluster.name,
      apiServerUrl: `https://${cluster.gateway}:6443`,
      caCertPem: 'unused: the agent is not started by installAgent',
      credential: { nodeToken: 'unused' },
      registries: { mirrors: { 'docker.io': [`http://${registry.host}`] } },
    });
    const written = await ssh.exec(`cat ${node.agent.registryConfigDir}/docker.io/hosts.toml`);
    expect(written.stdout).toContain('server = "https://registry-1.docker.io"');
    expect(written.stdout).toContain(`[host."http://${registry.host}"]`);
  });

  it(
    'starts a pod whose docker.io image only the mirror can serve',
    async () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'mirrored', namespace: 'default' },
        spec: {
          nodeName: node.name,
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', image: MIRRORED_IMAGE, command: ['sleep', '3600'] }],
        },
      };
      const applied = await server.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
      expect(applied.stderr).toBe('');
      const running = await waitFor(
        async () => {
          const res = await server.kubectl(['get', 'pod', 'mirrored', '-o', 'json']);
          const p = res.code === 0 ? JSON.parse(res.stdout) : undefined;
          return p?.status?.phase === 'Running' ? p : undefined;
        },
        LONG - 60_000,
        'pod mirrored Running',
        1_000,
      );
      expect(running.status.containerStatuses[0]).toMatchObject({
        image: MIRRORED_IMAGE,
        state: { running: {} },
      });
    },
    LONG,
  );

  async function podWhere(name: string, check: (p: any) => boolean, what: string): Promise<any> {
    return waitFor(
      async () => {
        const res = await server.kubectl(['get', 'pod', name, '-o', 'json']);
        const p = res.code === 0 ? JSON.parse(res.stdout) : undefined;
        return p && check(p) ? p : undefined;
      },
      LONG - 60_000,
      `pod ${name} ${what}`,
      1_000,
    );
  }

  it(
    "pulls from a registry that wants credentials with the pod's imagePullSecrets, and not without",
    async () => {
      await writeRegistryConfig(ssh, node, {
        mirrors: {
          'docker.io': [`http://${registry.host}`],
          // The private registry speaks plain HTTP: a mirror entry pointing at itself says so.
          [privateRegistry.host]: [`http://${privateRegistry.host}`],
        },
      });
      const image = privateRegistry.reference('flotilla.local/busybox:1');
      const dockerconfig = {
        auths: { [privateRegistry.host]: { auth: Buffer.from('puller:s3cret').toString('base64') } },
      };
      const objects = [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'regcred', namespace: 'default' },
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerconfig)).toString('base64') },
        },
        ...[
          ['with-secret', [{ name: 'regcred' }]],
          ['without-secret', []],
        ].map(([name, secrets]) => ({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: 'default' },
          spec: {
            nodeName: node.name,
            terminationGracePeriodSeconds: 1,
            imagePullSecrets: secrets,
            containers: [{ name: 'main', image, imagePullPolicy: 'Always', command: ['sleep', '3600'] }],
          },
        })),
      ];
      const applied = await server.kubectl(['apply', '-f', '-'], {
        input: objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''),
      });
      expect(applied.stderr).toBe('');
      await podWhere('with-secret', (p) => p.status?.phase === 'Running', 'Running');
      const refused = await podWhere(
        'without-secret',
        (p) =>
          /ErrImagePull|ImagePullBackOff/.test(
            p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? '',
          ),
        'failing to pull',
      );
      expect(refused.status.phase).toBe('Pending');
    },
    LONG,
  );

  it('removes the hosts.toml of a registry no longer configured, and leaves others alone', async () => {
    const dirOf = node.agent.registryConfigDir!;
    await ssh.run(`mkdir -p ${dirOf}/mine.local && echo 'server = "x"' > ${dirOf}/mine.local/hosts.toml`);
    await writeRegistryConfig(ssh, node, { insecure: ['10.0.0.9:5000'] });
    const listing = await ssh.exec(`ls ${dirOf}`);
    expect(listing.stdout.split(/\s+/).filter(Boolean).sort()).toEqual(['10.0.0.9:5000', 'mine.local']);
  });
});
