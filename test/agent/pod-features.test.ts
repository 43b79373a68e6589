// The kubelet's pod features end to end on a netns node: downwardAPI, projected (with a service
// account token the API server accepts), persistentVolumeClaim and subPath volumes, ConfigMap
// updates reaching a running container, the kubelet's events in `kubectl describe pod`,
// postStart/preStop hooks, service environment variables and activeDeadlineSeconds. Files are
// read through CRI exec straight against the node's containerd: this suite is about what the
// kubelet put in the container, not the streaming path (test/streaming covers kubectl exec).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriClient } from '../../agent/kubelet/cri/index.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE } from '../helpers/images.ts';
import { netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { rawRequest, waitFor, type TestServer } from '../helpers/server.ts';
import { startOneNodeCluster, type OneNodeCluster } from '../helpers/one-node-cluster.ts';
import { startAgent, writeAgentConfig, type AgentProcess } from './agent-process.ts';

const LONG = 180_000;

describe.skipIf(netnsSkipReason() !== undefined)('kubelet pod features on a netns node', () => {
  let env: OneNodeCluster;
  let cluster: TestCluster;
  let server: TestServer;
  let agent: AgentProcess;
  let cri: CriClient;
  let dir: string;

  beforeAll(async () => {
    env = await startOneNodeCluster({
      prefix: 'flotilla-pod-features-',
      startAgent: (node, server, dir) => startAgent(writeAgentConfig(node, server.kubeconfig, dir)),
    });
    ({ cluster, server, agent, dir } = env);
    cri = new CriClient(env.node.containerdSocket);
  }, 300_000);

  afterAll(async () => {
    cri?.close();
    await env?.stop();
  }, 300_000);

  const getJson = (args: string[]) => env.getJson(args);

  async function apply(yaml: string): Promise<void> {
    const res = await server.kubectl(['apply', '-f', '-'], { input: yaml });
    expect(res.stderr).toBe('');
  }

  async function createPod(name: string, spec: Record<string, unknown>, labels?: Record<string, string>) {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels },
      spec: { nodeName: cluster.nodes[0]!.name, terminationGracePeriodSeconds: 5, ...spec },
    };
    await apply(JSON.stringify(pod));
  }

  const sleeper = (extra: Record<string, unknown> = {}) => ({
    name: 'main',
    image: BUSYBOX_IMAGE,
    imagePullPolicy: 'Never',
    command: ['sleep', '100000'],
    ...extra,
  });

  async function waitForPod(name: string, what: string, check: (p: any) => boolean): Promise<any> {
    return waitFor(
      async () => {
        const p = await getJson(['get', 'pod', name]);
        return p && check(p) ? p : undefined;
      },
      LONG,
      `${name}: ${what}\nagent output:\n${agent.output.slice(-3000)}`,
    );
  }

  const running = (name: string) => waitForPod(name, 'Running', (p) => p.status?.phase === 'Running');

  async function exec(name: string, cmd: string[]): Promise<string> {
    const p = await getJson(['get', 'pod', name]);
    const id = p.status.containerStatuses[0].containerID.replace('containerd://', '');
    const res = await cri.execSync(id, cmd, 30);
    expect(res.exitCode, res.stderr.toString()).toBe(0);
    return res.stdout.toString();
  }

  it(
    'updates a ConfigMap volume in the running container, and a subPath mount shows one key',
    async () => {
      await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: live}\ndata: {color: red, size: big}\n');
      await createPod('cm-reader', {
        containers: [
          sleeper({
            volumeMounts: [
              { name: 'cfg', mountPath: '/cfg' },
              { name: 'cfg', mountPath: '/etc/color', subPath: 'color' },
            ],
          }),
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'live' } }],
      });
      await running('cm-reader');
      expect(await exec('cm-reader', ['cat', '/cfg/color'])).toBe('red');
      expect(await exec('cm-reader', ['cat', '/etc/color'])).toBe('red');
      await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: live}\ndata: {color: blue}\n');
      await waitFor(
        async () => (await exec('cm-reader', ['cat', '/cfg/color'])) === 'blue',
        LONG,
        'update seen',
      );
      // A removed key goes too; the swap is atomic (..data points at the new version).
      expect(await exec('cm-reader', ['ls', '/cfg'])).toBe('color\n');
      // Like upstream, a subPath mount is a snapshot: it keeps the value it started with.
      expect(await exec('cm-reader', ['cat', '/etc/color'])).toBe('red');
    },
    LONG,
  );

  it(
    'writes downwardAPI files and rewrites the labels file when the labels change',
    async () => {
      await createPod(
        'downward',
        {
          containers: [
            sleeper({
              resources: { limits: { memory: '32Mi' } },
              volumeMounts: [{ name: 'info', mountPath: '/info' }],
            }),
          ],
          volumes: [
            {
              name: 'info',
              downwardAPI: {
                items: [
                  { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
                  { path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } },
                  { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
                  { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
                  {
                    path: 'mem',
                    resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' },
                  },
                ],
              },
            },
          ],
        },
        { app: 'demo' },
      );
      const p = await running('downward');
      expect(await exec('downward', ['cat', '/info/name'])).toBe('downward');
      expect(await exec('downward', ['cat', '/info/namespace'])).toBe('default');
      expect(await exec('downward', ['cat', '/info/uid'])).toBe(p.metadata.uid);
      expect(await exec('downward', ['cat', '/info/mem'])).toBe('32');
      expect(await exec('downward', ['cat', '/info/labels'])).toBe('app="demo"\n');
      expect((await server.kubectl(['label', 'pod', 'downward', 'tier=web'])).code).toBe(0);
      await waitFor(
        async () => (await exec('downward', ['cat', '/info/labels'])) === 'app="demo"\ntier="web"\n',
        LONG,
        'labels file updated',
      );
    },
    LONG,
  );

  it(
    'projects a service account token the API server accepts, with the CA and namespace beside it',
    async () => {
      const ca = readFileSync(join(server.dataDir, 'pki', 'ca.crt'), 'utf8');
      await apply(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: root-ca}\ndata:\n  ca.crt: ${JSON.stringify(ca)}\n`,
      );
      const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
      await createPod('projected', {
        containers: [sleeper({ volumeMounts: [{ name: 'api', mountPath: sa, readOnly: true }] })],
        volumes: [
          {
            name: 'api',
            projected: {
              sources: [
                { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
                { serviceAccountToken: { path: 'vault-token', audience: 'vault', expirationSeconds: 600 } },
                { configMap: { name: 'root-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                {
                  downwardAPI: {
                    items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }],
                  },
                },
              ],
            },
          },
        ],
      });
      await running('projected');
      expect(await exec('projected', ['cat', `${sa}/namespace`])).toBe('default');
      expect(await exec('projected', ['cat', `${sa}/ca.crt`])).toBe(ca);
      const token = await exec('projected', ['cat', `${sa}/token`]);
      const whoami = await rawRequest(server, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
        as: { token },
      });
      expect(whoami.json?.status?.userInfo?.username, whoami.body).toBe(
        'system:serviceaccount:default:default',
      );
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      expect(claims['kubernetes.io'].pod.name).toBe('projected');
      expect(claims.exp - claims.iat).toBe(3607);
      const vault = await exec('projected', ['cat', `${sa}/vault-token`]);
      const vaultClaims = JSON.parse(Buffer.from(vault.split('.')[1]!, 'base64url').toString());
      expect(vaultClaims.aud).toEqual(['vault']);
      expect(vaultClaims.exp - vaultClaims.iat).toBe(600);
    },
    LONG,
  );

  it(
    'mounts a bound PersistentVolumeClaim, and a pod whose claim is unbound waits with FailedMount',
    async () => {
      const volumeDir = join(dir, 'pv-data');
      await apply(
        [
          'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: manual-pv}',
          `spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], storageClassName: manual, hostPath: {path: ${volumeDir}, type: DirectoryOrCreate}}`,
          '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: manual-claim}',
          'spec: {accessModes: [ReadWriteOnce], storageClassName: manual, volumeName: manual-pv, resources: {requests: {storage: 1Gi}}}',
          '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: never-bound}',
          'spec: {accessModes: [ReadWriteOnce], storageClassName: nothing-provisions-this, resources: {requests: {storage: 1Gi}}}',
          '',
        ].join('\n'),
      );
      await createPod('with-claim', {
        containers: [
          sleeper({
            command: ['sh', '-c', 'echo persisted > /data/file; sleep 100000'],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          }),
        ],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'manual-claim' } }],
      });
      await running('with-claim');
      await waitFor(() => existsSync(join(volumeDir, 'file')), LONG, 'file written to the volume');
      expect(readFileSync(join(volumeDir, 'file'), 'utf8')).toBe('persisted\n');

      await createPod('unbound', {
        containers: [sleeper({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'never-bound' } }],
      });
      await waitFor(
        async () => (await server.kubectl(['describe', 'pod', 'unbound'])).stdout.includes('FailedMount'),
        LONG,
        'FailedMount event',
      );
      const describe = (await server.kubectl(['describe', 'pod', 'unbound'])).stdout;
      expect(describe).toContain('persistentvolumeclaim "never-bound" is not bound');
      const p = await getJson(['get', 'pod', 'unbound']);
      expect(p.status.phase).toBe('Pending');
      expect(p.status.containerStatuses?.[0]?.state?.waiting?.reason ?? 'ContainerCreating').toBe(
        'ContainerCreating',
      );
    },
    LONG,
  );

  it(
    "shows the kubelet's events in kubectl describe pod",
    async () => {
      await createPod('eventful', {
        containers: [sleeper({ imagePullPolicy: 'IfNotPresent' })],
      });
      await running('eventful');
      const lines = await waitFor(
        async () => {
          const out = (await server.kubectl(['describe', 'pod', 'eventful'])).stdout;
          return out.includes('Started') ? out : undefined;
        },
        LONG,
        'events',
      );
      expect(lines).toMatch(
        /Normal\s+Pulled\s+.*kubelet\s+Container image "flotilla\.local\/busybox:1" already present on machine/,
      );
      expect(lines).toMatch(/Normal\s+Created\s+.*kubelet\s+Created container main/);
      expect(lines).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container main/);
      const nodeEvents = (await server.kubectl(['describe', 'node', cluster.nodes[0]!.name])).stdout;
      expect(nodeEvents).toMatch(/Starting\s+.*Starting kubelet\./);
      expect(nodeEvents).toMatch(/NodeReady\s+.*Node node-1 status is now: NodeReady/);
    },
    LONG,
  );

  it(
    'warns in events about failing probes, images it may not pull and crash loops',
    async () => {
      await createPod('unwell', {
        containers: [
          sleeper({
            livenessProbe: {
              exec: { command: ['sh', '-c', 'echo not feeling well; exit 1'] },
              periodSeconds: 1,
              failureThreshold: 1,
            },
          }),
        ],
      });
      await createPod('no-image', {
        containers: [sleeper({ image: 'flotilla.local/not-here:1', imagePullPolicy: 'Never' })],
      });
      await createPod('crashing', { containers: [sleeper({ command: ['sh', '-c', 'exit 3'] })] });
      // Nothing listens on port 1 of the node's loopback: every pull fails at once.
      await createPod('bad-pull', {
        containers: [sleeper({ image: '127.0.0.1:1/nothing:1', imagePullPolicy: 'Always' })],
      });
      const describe = async (pod: string, pattern: RegExp) =>
        waitFor(
          async () => {
            const out = (await server.kubectl(['describe', 'pod', pod])).stdout;
            return pattern.test(out) ? out : undefined;
          },
          LONG,
          `${pod}: ${pattern}`,
        );
      await describe('unwell', /Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: not feeling well/);
      await describe(
        'unwell',
        /Normal\s+Killing\s+.*Container main failed liveness probe, will be restarted/,
      );
      await describe(
        'no-image',
        /Warning\s+Failed\s+.*Container image "flotilla\.local\/not-here:1" is not present/,
      );
      await describe('no-image', /Warning\s+Failed\s+.*Error: ErrImageNeverPull/);
      await describe('bad-pull', /Warning\s+Failed\s+.*failed to pull image "127\.0\.0\.1:1\/nothing:1"/);
      await describe('bad-pull', /Normal\s+BackOff\s+.*Back-off pulling image "127\.0\.0\.1:1\/nothing:1"/);
      await waitForPod(
        'bad-pull',
        'ImagePullBackOff',
        (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
      );
      await describe(
        'crashing',
        /Warning\s+BackOff\s+.*Back-off restarting failed container main in pod crashing_default/,
      );
    },
    LONG,
  );

  it(
    'runs postStart before the pod counts as started, and preStop before SIGTERM on delete',
    async () => {
      const marks = join(dir, 'hook-marks');
      await createPod('hooks', {
        containers: [
          sleeper({
            command: [
              'sh',
              '-c',
              'trap "echo term >> /marks/log; exit 0" TERM; while true; do sleep 1; done',
            ],
            lifecycle: {
              postStart: { exec: { command: ['sh', '-c', 'echo post-start >> /marks/log'] } },
              preStop: { exec: { command: ['sh', '-c', 'echo pre-stop >> /marks/log'] } },
            },
            volumeMounts: [{ name: 'marks', mountPath: '/marks' }],
          }),
        ],
        volumes: [{ name: 'marks', hostPath: { path: marks, type: 'DirectoryOrCreate' } }],
      });
      await running('hooks');
      await waitFor(() => existsSync(join(marks, 'log')), LONG, 'postStart ran');
      expect(readFileSync(join(marks, 'log'), 'utf8')).toBe('post-start\n');
      const res = await server.kubectl(['delete', 'pod', 'hooks', '--wait=true', '--timeout=120s']);
      expect(res.code, res.stderr).toBe(0);
      expect(readFileSync(join(marks, 'log'), 'utf8')).toBe('post-start\npre-stop\nterm\n');
    },
    LONG,
  );

  it(
    'kills a container whose postStart hook fails and says so in an event',
    async () => {
      await createPod('bad-hook', {
        containers: [
          sleeper({
            image: HTTPD_IMAGE,
            command: undefined,
            // Nothing listens on port 81: the HTTP hook cannot succeed.
            lifecycle: { postStart: { httpGet: { path: '/ready', port: 81 } } },
          }),
        ],
      });
      await waitFor(
        async () => {
          const out = (await server.kubectl(['describe', 'pod', 'bad-hook'])).stdout;
          return /Warning\s+FailedPostStartHook\s+.*:81\/ready/.test(out) ? out : undefined;
        },
        LONG / 2,
        'FailedPostStartHook event',
      );
      await waitForPod('bad-hook', 'restarted', (p) => p.status?.containerStatuses?.[0]?.restartCount >= 1);
    },
    LONG,
  );

  it(
    "gives a container its namespace's service variables unless enableServiceLinks is false",
    async () => {
      await apply(
        'apiVersion: v1\nkind: Service\nmetadata: {name: my-db}\nspec: {ports: [{name: sql, port: 5432}], selector: {app: db}}\n',
      );
      const svc = await getJson(['get', 'service', 'my-db']);
      await createPod('linked', { containers: [sleeper()] });
      await createPod('unlinked', { enableServiceLinks: false, containers: [sleeper()] });
      await running('linked');
      await running('unlinked');
      const env = (await exec('linked', ['env'])).split('\n');
      expect(env).toContain(`MY_DB_SERVICE_HOST=${svc.spec.clusterIP}`);
      expect(env).toContain('MY_DB_SERVICE_PORT=5432');
      expect(env).toContain('MY_DB_SERVICE_PORT_SQL=5432');
      expect(env).toContain(`MY_DB_PORT_5432_TCP=tcp://${svc.spec.clusterIP}:5432`);
      expect(env.some((l) => l.startsWith('KUBERNETES_SERVICE_HOST='))).toBe(true);
      const unlinked = (await exec('unlinked', ['env'])).split('\n');
      expect(unlinked.some((l) => l.startsWith('MY_DB_'))).toBe(false);
      expect(unlinked.some((l) => l.startsWith('KUBERNETES_SERVICE_HOST='))).toBe(true);
    },
    LONG,
  );

  it(
    'fails a pod that outlives its activeDeadlineSeconds',
    async () => {
      await createPod('deadline', { activeDeadlineSeconds: 3, containers: [sleeper()] });
      const p = await waitForPod('deadline', 'Failed', (x) => x.status?.phase === 'Failed');
      expect(p.status.reason).toBe('DeadlineExceeded');
      expect(p.status.message).toBe('Pod was active on the node longer than the specified deadline');
      const describe = (await server.kubectl(['describe', 'pod', 'deadline'])).stdout;
      expect(describe).toContain('DeadlineExceeded');
    },
    LONG,
  );
});
