// Service account credentials in a real pod on a netns node: the API server's ServiceAccount
// admission projects kube-api-access-xxxxx, the controller manager publishes kube-root-ca.crt,
// and the agent fills /var/run/secrets/kubernetes.io/serviceaccount with a token the API server
// accepts as the pod's service account, the cluster CA and the namespace, read through kubectl exec.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOneNodeCluster, type OneNodeCluster } from '../helpers/one-node-cluster.ts';
import { BUSYBOX_IMAGE } from '../helpers/images.ts';
import { netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { kubectl, waitFor, type TestServer } from '../helpers/server.ts';
import {
  startAgentInNode,
  writeStreamingAgentConfig,
  type StreamingAgent,
} from '../streaming/streaming-node.ts';

const LONG = 180_000;
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

describe.skipIf(netnsSkipReason() !== undefined)(
  'service account credentials in pods on a netns node',
  () => {
    let env: OneNodeCluster;
    let cluster: TestCluster;
    let server: TestServer;
    let agent: StreamingAgent;
    let dir: string;

    beforeAll(async () => {
      env = await startOneNodeCluster({
        prefix: 'flotilla-sa-access-',
        startAgent: async (node, server, dir) =>
          startAgentInNode(node, await writeStreamingAgentConfig(node, server, dir)),
      });
      ({ cluster, server, dir } = env);
      agent = env.agent;
    }, 300_000);

    afterAll(async () => {
      await env?.stop();
    }, 300_000);

    const getJson = (args: string[]) => env.getJson(args);

    async function k(...args: string[]): Promise<string> {
      const res = await server.kubectl(args, { timeoutMs: 60_000 });
      expect(res.code, res.stderr).toBe(0);
      return res.stdout;
    }

    async function runSleeper(name: string, namespace: string, spec: Record<string, unknown> = {}) {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace },
        spec: {
          nodeName: cluster.nodes[0]!.name,
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'main', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'] },
          ],
          ...spec,
        },
      };
      const res = await server.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
      expect(res.code, res.stderr).toBe(0);
      await waitFor(
        async () => (await getJson(['get', 'pod', name, '-n', namespace]))?.status?.phase === 'Running',
        LONG,
        `${namespace}/${name} Running\nagent output:\n${agent.output.slice(-3000)}`,
      );
    }

    it(
      'gives a pod its token, the cluster CA and its namespace; the token authenticates as the service account',
      async () => {
        await k('create', 'namespace', 'sa-team');
        // The namespace's default ServiceAccount comes from the controller manager; pods wait for nothing.
        await waitFor(
          async () => (await getJson(['get', 'sa', 'default', '-n', 'sa-team'])) !== undefined,
          LONG,
          'sa',
        );
        await runSleeper('reader', 'sa-team');

        const pod = await getJson(['get', 'pod', 'reader', '-n', 'sa-team']);
        const volume = pod.spec.volumes.find((v: any) => v.name.startsWith('kube-api-access-'));
        expect(pod.spec.containers[0].volumeMounts).toEqual([
          { name: volume.name, readOnly: true, mountPath: SA_DIR },
        ]);

        const cat = (file: string) => k('exec', '-n', 'sa-team', 'reader', '--', 'cat', `${SA_DIR}/${file}`);
        expect(await cat('namespace')).toBe('sa-team');
        const ca = await cat('ca.crt');
        expect(ca).toBe(readFileSync(join(server.dataDir, 'pki', 'ca.crt'), 'utf8'));
        const token = await cat('token');
        expect(token.split('.')).toHaveLength(3);

        // What a program in the pod would do: the pod's CA to trust the API server, its token to log in.
        const caFile = join(dir, 'pod-ca.crt');
        writeFileSync(caFile, ca);
        const emptyConfig = join(dir, 'empty-kubeconfig');
        writeFileSync(emptyConfig, '');
        const whoami = await kubectl(
          [
            '--server',
            server.url,
            '--certificate-authority',
            caFile,
            '--token',
            token,
            'auth',
            'whoami',
            '-o',
            'json',
          ],
          { kubeconfig: emptyConfig, timeoutMs: 60_000 },
        );
        expect(whoami.code, whoami.stderr).toBe(0);
        const user = JSON.parse(whoami.stdout).status.userInfo;
        expect(user.username).toBe('system:serviceaccount:sa-team:default');
        expect(user.groups).toEqual(
          expect.arrayContaining([
            'system:serviceaccounts',
            'system:serviceaccounts:sa-team',
            'system:authenticated',
          ]),
        );
      },
      LONG * 2,
    );

    it(
      'publishes kube-root-ca.crt in a new namespace',
      async () => {
        await k('create', 'namespace', 'sa-fresh');
        const cm = await waitFor(
          async () => getJson(['get', 'cm', 'kube-root-ca.crt', '-n', 'sa-fresh']),
          LONG,
          'kube-root-ca.crt in sa-fresh',
        );
        expect(cm.data['ca.crt']).toBe(readFileSync(join(server.dataDir, 'pki', 'ca.crt'), 'utf8'));
        expect(cm.metadata.annotations['kubernetes.io/description']).toMatch(/^Contains a CA bundle/);
      },
      LONG,
    );

    it(
      'mounts nothing in a pod that opts out with automountServiceAccountToken: false',
      async () => {
        await runSleeper('no-token', 'default', { automountServiceAccountToken: false });
        const res = await server.kubectl(['exec', 'no-token', '--', 'ls', SA_DIR], { timeoutMs: 60_000 });
        expect(res.code).not.toBe(0);
        expect(res.stderr).toMatch(/No such file or directory/);
      },
      LONG,
    );
  },
);
