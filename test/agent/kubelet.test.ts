// The node agent end to end: a real `flotilla serve`, a netns node with its own containerd,
// and `flotilla agent` driving it. Pods are created with the real kubectl; what runs is
// checked through CRI (ExecSync, container listings), never by mocking either side.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriClient } from '../../agent/kubelet/cri/index.ts';
import { POD_UID_LABEL } from '../../agent/kubelet/labels.ts';
import { execFileSync } from 'node:child_process';
import { allowPlainHttpRegistry, containerdPaths } from '../../control-plane/provision/netns/index.ts';
import { containsIp } from '../../control-plane/provision/netns/subnet.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE, serveTestImages } from '../helpers/images.ts';
import { netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { waitFor, type TestServer } from '../helpers/server.ts';
import { startOneNodeCluster, type OneNodeCluster } from '../helpers/one-node-cluster.ts';
import { startAgent, writeAgentConfig } from './agent-process.ts';

const LONG = 180_000;

describe.skipIf(netnsSkipReason() !== undefined)('flotilla agent on a netns node', () => {
  let env: OneNodeCluster;
  let cluster: TestCluster;
  let server: TestServer;
  let cri: CriClient;
  let dir: string;

  beforeAll(async () => {
    env = await startOneNodeCluster({
      prefix: 'flotilla-agent-test-',
      startAgent: (node, server, dir) => startAgent(writeAgentConfig(node, server.kubeconfig, dir)),
    });
    ({ cluster, server, dir } = env);
    cri = new CriClient(env.node.containerdSocket);
  }, 300_000);

  afterAll(async () => {
    cri?.close();
    await env?.stop();
  }, 300_000);

  const getJson = (args: string[]) => env.getJson(args);

  async function createPod(name: string, spec: Record<string, unknown>, extra = ''): Promise<string> {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { nodeName: cluster.nodes[0]!.name, terminationGracePeriodSeconds: 1, ...spec },
    };
    const res = await server.kubectl(['apply', '-f', '-'], {
      input: `${extra}---\n${JSON.stringify(pod)}\n`,
    });
    expect(res.stderr).toBe('');
    return (await getJson(['get', 'pod', name])).metadata.uid;
  }

  const pod = (name: string) => getJson(['get', 'pod', name]);

  async function waitForPod(name: string, what: string, check: (p: any) => boolean): Promise<any> {
    return waitFor(
      async () => {
        const p = await pod(name);
        return p && check(p) ? p : undefined;
      },
      LONG,
      `${name}: ${what}\nagent output:\n${env.agent.output.slice(-3000)}`,
    );
  }

  async function containersOf(uid: string) {
    return cri.listContainers({ labelSelector: { [POD_UID_LABEL]: uid } });
  }

  async function exec(name: string, cmd: string[]): Promise<string> {
    const id = (await pod(name)).status.containerStatuses[0].containerID.replace('containerd://', '');
    const res = await cri.execSync(id, cmd, 30);
    expect(res.exitCode, res.stderr.toString()).toBe(0);
    return res.stdout.toString();
  }

  it(
    'registers a Ready node with its machine, runtime and addresses, and keeps a lease',
    async () => {
      const node = cluster.nodes[0]!;
      const n = await waitFor(
        async () => {
          const got = await getJson(['get', 'node', node.name]);
          return got?.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True'
            ? got
            : undefined;
        },
        LONG,
        'node Ready',
      );
      // Node IPAM and the netns provider agree on the node's pod range.
      expect(n.spec.podCIDR).toBe(cluster.nodes[0]!.podCIDR);
      expect(n.status.nodeInfo).toMatchObject({
        kubeletVersion: 'v1.32.0-flotilla',
        operatingSystem: 'linux',
      });
      expect(n.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
      expect(n.status.capacity.pods).toBe('110');
      expect(n.status.addresses).toEqual(
        expect.arrayContaining([
          { type: 'InternalIP', address: node.nodeIp },
          { type: 'Hostname', address: node.name },
        ]),
      );
      expect(n.status.conditions.map((c: any) => c.type).sort()).toEqual(
        ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready'].sort(),
      );
      const lease = await getJson(['get', 'lease', '-n', 'kube-node-lease', node.name]);
      expect(lease.spec.holderIdentity).toBe(node.name);
    },
    LONG,
  );

  it(
    'runs a pod to Running with a pod IP, env from every source, and configMap/secret/emptyDir volumes',
    async () => {
      const extra = [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\ndata: {greeting: hello, file.txt: from-configmap}',
        '---\napiVersion: v1\nkind: Secret\nmetadata: {name: web-secret}\nstringData: {password: s3cret}',
        '',
      ].join('\n');
      await createPod(
        'web',
        {
          containers: [
            {
              name: 'main',
              image: BUSYBOX_IMAGE,
              imagePullPolicy: 'Never',
              command: ['sleep', '100000'],
              workingDir: '/tmp',
              env: [
                { name: 'LITERAL', value: 'plain' },
                { name: 'EXPANDED', value: '$(LITERAL)-more' },
                { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'greeting' } } },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'password' } } },
                { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              ],
              envFrom: [{ prefix: 'CM_', configMapRef: { name: 'web-config' } }],
              volumeMounts: [
                { name: 'config', mountPath: '/config' },
                { name: 'secret', mountPath: '/secret' },
                { name: 'scratch', mountPath: '/scratch' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: 'web-config' } },
            { name: 'secret', secret: { secretName: 'web-secret' } },
            { name: 'scratch', emptyDir: {} },
          ],
        },
        extra,
      );
      const running = await waitForPod(
        'web',
        'Running and Ready',
        (p) =>
          p.status?.phase === 'Running' &&
          p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      );
      expect(containsIp(cluster.nodes[0]!.podCIDR!, running.status.podIP)).toBe(true);
      expect(running.status.hostIP).toBe(cluster.nodes[0]!.nodeIp);
      expect(running.status.startTime).toBeDefined();
      expect(running.status.containerStatuses[0]).toMatchObject({
        name: 'main',
        ready: true,
        started: true,
        restartCount: 0,
        image: BUSYBOX_IMAGE,
        state: { running: {} },
      });
      expect(running.status.containerStatuses[0].imageID).toMatch(/sha256:/);
      expect(running.status.conditions.map((c: any) => c.type).sort()).toEqual(
        ['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready'].sort(),
      );
      const env = await exec('web', ['env']);
      for (const line of [
        'LITERAL=plain',
        'EXPANDED=plain-more',
        'GREETING=hello',
        'PASSWORD=s3cret',
        'MY_POD=web',
        `MY_IP=${running.status.podIP}`,
        'CM_greeting=hello',
      ])
        expect(env.split('\n')).toContain(line);
      expect(await exec('web', ['cat', '/config/file.txt'])).toBe('from-configmap');
      expect(await exec('web', ['cat', '/secret/password'])).toBe('s3cret');
      expect(await exec('web', ['pwd'])).toBe('/tmp\n');
      expect(await exec('web', ['hostname'])).toBe('web\n');
      await exec('web', ['touch', '/scratch/ok']);
    },
    LONG,
  );

  it(
    'runs init containers first, in order',
    async () => {
      await createPod('with-init', {
        initContainers: [
          {
            name: 'first',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', 'echo first >> /work/order'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
          {
            name: 'second',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', 'echo second >> /work/order'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
        ],
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', 'echo main >> /work/order; sleep 100000'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
        ],
        volumes: [{ name: 'work', emptyDir: {} }],
      });
      const p = await waitForPod('with-init', 'Running', (x) => x.status?.phase === 'Running');
      expect(p.status.initContainerStatuses.map((s: any) => [s.name, s.state.terminated?.reason])).toEqual([
        ['first', 'Completed'],
        ['second', 'Completed'],
      ]);
      await waitFor(
        async () => (await exec('with-init', ['cat', '/work/order'])) === 'first\nsecond\nmain\n',
        LONG,
        'main ran',
      );
    },
    LONG,
  );

  it(
    'keeps a sidecar (init container with restartPolicy Always) running beside the main container',
    async () => {
      await createPod('with-sidecar', {
        initContainers: [
          { name: 'sidecar', image: BUSYBOX_IMAGE, restartPolicy: 'Always', command: ['sleep', '100000'] },
        ],
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '100000'] }],
      });
      const p = await waitForPod('with-sidecar', 'Ready', (x) =>
        x.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      );
      expect(p.status.phase).toBe('Running');
      expect(p.status.initContainerStatuses[0]).toMatchObject({
        name: 'sidecar',
        ready: true,
        state: { running: {} },
      });
      expect(p.status.conditions.find((c: any) => c.type === 'Initialized').status).toBe('True');
    },
    LONG,
  );

  it(
    'shows a crashing container in CrashLoopBackOff with a growing back-off',
    async () => {
      await createPod('crasher', {
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'exit 3'] }],
      });
      const messages = new Set<string>();
      await waitForPod('crasher', 'back-off grows to 20s', (p) => {
        const s = p.status?.containerStatuses?.[0];
        if (s?.state?.waiting?.reason === 'CrashLoopBackOff') messages.add(s.state.waiting.message);
        return [...messages].some((m) => m.startsWith('back-off 20s'));
      });
      expect(
        [...messages].some((m) =>
          m.startsWith('back-off 10s restarting failed container=main pod=crasher_default'),
        ),
      ).toBe(true);
      const p = await pod('crasher');
      const s = p.status.containerStatuses[0];
      expect(s.restartCount).toBeGreaterThanOrEqual(2);
      expect(s.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
      expect(p.status.phase).toBe('Running');
    },
    LONG,
  );

  it(
    'restarts a container whose liveness probe fails',
    async () => {
      await createPod('liveness', {
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', 'touch /tmp/healthy; exec sleep 100000'],
            livenessProbe: {
              exec: { command: ['test', '-f', '/tmp/healthy'] },
              periodSeconds: 1,
              failureThreshold: 2,
            },
          },
        ],
      });
      const first = await waitForPod(
        'liveness',
        'Running',
        (p) => p.status?.containerStatuses?.[0]?.state?.running,
      );
      await exec('liveness', ['rm', '/tmp/healthy']);
      const restarted = await waitForPod(
        'liveness',
        'restarted',
        (p) =>
          p.status?.containerStatuses?.[0]?.restartCount >= 1 && p.status.containerStatuses[0].state?.running,
      );
      expect(restarted.status.containerStatuses[0].containerID).not.toBe(
        first.status.containerStatuses[0].containerID,
      );
      expect(restarted.status.containerStatuses[0].lastState.terminated).toBeDefined();
    },
    LONG,
  );

  it(
    'gates Ready on the readiness probe',
    async () => {
      await createPod('readiness', {
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sleep', '100000'],
            readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
          },
        ],
      });
      const notReady = await waitForPod(
        'readiness',
        'Running',
        (p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state?.running,
      );
      expect(notReady.status.containerStatuses[0].ready).toBe(false);
      expect(notReady.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
        status: 'False',
        reason: 'ContainersNotReady',
      });
      await exec('readiness', ['touch', '/tmp/ready']);
      await waitForPod('readiness', 'Ready', (p) =>
        p.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      );
    },
    LONG,
  );

  it(
    'reports OOMKilled when a container breaches its memory limit',
    async () => {
      await createPod('hungry', {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            // tail keeps the one endless line in memory until the cgroup limit kills it.
            command: ['sh', '-c', 'head -c 200000000 /dev/zero | tail -c 100000000 > /dev/null'],
            resources: { limits: { memory: '20Mi' } },
          },
        ],
      });
      const p = await waitForPod(
        'hungry',
        'terminated',
        (x) => x.status?.containerStatuses?.[0]?.state?.terminated,
      );
      expect(p.status.containerStatuses[0].state.terminated.reason).toBe('OOMKilled');
      expect(p.status.phase).toBe('Failed');
    },
    LONG,
  );

  it(
    'probes over HTTP (by port name) and TCP from the node',
    async () => {
      // The agent runs on the host for now: reach the node's pods through the node, like its own kubelet would.
      const node = cluster.nodes[0]!;
      const podCIDR = (await getJson(['get', 'node', node.name])).spec.podCIDR;
      execFileSync('ip', ['route', 'replace', podCIDR, 'via', node.nodeIp]);
      try {
        await createPod('probed', {
          containers: [
            {
              name: 'main',
              image: HTTPD_IMAGE,
              ports: [{ name: 'http', containerPort: 80 }],
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
              livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
            },
            {
              name: 'closed',
              image: BUSYBOX_IMAGE,
              command: ['sleep', '100000'],
              readinessProbe: { tcpSocket: { port: 81 }, periodSeconds: 1 },
            },
          ],
        });
        const p = await waitForPod(
          'probed',
          'main ready',
          (x) => x.status?.containerStatuses?.find((c: any) => c.name === 'main')?.ready === true,
        );
        const closed = p.status.containerStatuses.find((c: any) => c.name === 'closed');
        expect(closed).toMatchObject({ ready: false, restartCount: 0 });
        expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('False');
      } finally {
        execFileSync('ip', ['route', 'del', podCIDR, 'via', node.nodeIp]);
      }
    },
    LONG,
  );

  it(
    'pulls images as imagePullPolicy says',
    async () => {
      const node = cluster.nodes[0]!;
      const registry = await serveTestImages(cluster.gateway);
      try {
        allowPlainHttpRegistry(containerdPaths(node.nodeDir), registry.host);
        const image = registry.reference(HTTPD_IMAGE);
        await createPod('pulled', {
          containers: [{ name: 'main', image, imagePullPolicy: 'Always' }],
        });
        const p = await waitForPod('pulled', 'Running', (x) => x.status?.phase === 'Running');
        expect(p.status.containerStatuses[0]).toMatchObject({ image, state: { running: {} } });
        expect(await cri.imageStatus({ image })).not.toBeNull();
        await createPod('never', {
          containers: [
            { name: 'main', image: registry.reference('flotilla.local/absent:1'), imagePullPolicy: 'Never' },
          ],
        });
        const never = await waitForPod(
          'never',
          'ErrImageNeverPull',
          (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull',
        );
        expect(never.status.phase).toBe('Pending');
      } finally {
        await registry.close();
      }
    },
    LONG,
  );

  it(
    'stops and removes the containers of a deleted pod, then deletes it for good',
    async () => {
      const uid = await createPod('doomed', {
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '100000'] }],
      });
      await waitForPod('doomed', 'Running', (p) => p.status?.phase === 'Running');
      expect((await containersOf(uid)).length).toBe(1);
      const res = await server.kubectl(['delete', 'pod', 'doomed', '--wait=true', '--timeout=120s']);
      expect(res.code, res.stderr).toBe(0);
      expect(await containersOf(uid)).toEqual([]);
      expect(await cri.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } })).toEqual([]);
    },
    LONG,
  );

  it(
    'leaves a pod that ran to completion Succeeded, without running it again',
    async () => {
      const uid = await createPod('job-like', {
        restartPolicy: 'OnFailure',
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo done'] }],
      });
      const p = await waitForPod('job-like', 'Succeeded', (x) => x.status?.phase === 'Succeeded');
      expect(p.status.containerStatuses[0]).toMatchObject({
        restartCount: 0,
        ready: false,
        state: { terminated: { exitCode: 0, reason: 'Completed' } },
      });
      expect(p.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
        status: 'False',
        reason: 'PodCompleted',
      });
      // Its sandbox is stopped (the pod IP is released) and nothing was started again.
      await waitFor(
        async () =>
          (await cri.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } })).every(
            (s) => s.state === 'SANDBOX_NOTREADY',
          ),
        LONG,
        'sandbox stopped',
      );
      expect((await containersOf(uid)).length).toBe(1);
    },
    LONG,
  );

  it(
    'sends SIGTERM first and waits for the grace period on delete',
    async () => {
      const out = join(dir, 'graceful');
      await createPod('graceful', {
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', 'trap "echo bye > /out/term; exit 0" TERM; while true; do sleep 1; done'],
            volumeMounts: [{ name: 'out', mountPath: '/out' }],
          },
        ],
        volumes: [{ name: 'out', hostPath: { path: out, type: 'DirectoryOrCreate' } }],
      });
      await waitForPod('graceful', 'Running', (p) => p.status?.phase === 'Running');
      const res = await server.kubectl(['delete', 'pod', 'graceful', '--wait=true', '--timeout=120s']);
      expect(res.code, res.stderr).toBe(0);
      expect(readFileSync(join(out, 'term'), 'utf8')).toBe('bye\n');
    },
    LONG,
  );

  it(
    'keeps running pods untouched across an agent restart, and cleans up pods deleted meanwhile',
    async () => {
      const keptUid = await createPod('kept', {
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '100000'] }],
      });
      const goneUid = await createPod('gone', {
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '100000'] }],
      });
      await waitForPod('kept', 'Running', (p) => p.status?.phase === 'Running');
      await waitForPod('gone', 'Running', (p) => p.status?.phase === 'Running');
      const before = (await containersOf(keptUid)).map((c) => c.id);
      await env.agent.kill9();
      // With nobody to finish it, force the deletion through the API.
      const res = await server.kubectl(['delete', 'pod', 'gone', '--grace-period=0', '--force']);
      expect(res.code, res.stderr).toBe(0);
      env.agent = startAgent(env.agent.configFile);
      await waitFor(
        async () => (await containersOf(goneUid)).length === 0,
        LONG,
        `deleted pod cleaned up\n${env.agent.output.slice(-4000)}`,
      );
      const after = await containersOf(keptUid);
      expect(after.map((c) => c.id)).toEqual(before);
      expect(after[0]!.state).toBe('CONTAINER_RUNNING');
      const kept = await pod('kept');
      expect(kept.status.containerStatuses[0]).toMatchObject({
        restartCount: 0,
        containerID: `containerd://${before[0]}`,
      });
    },
    LONG,
  );
});
