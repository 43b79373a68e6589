// `flotilla cluster create` end to end on this machine, as a user runs it: a control plane and
// two netns nodes with the agent installed over SSH, used with the real kubectl. One cluster is
// shared by the tests of this file, in order; the last one deletes it and checks the host.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, HostKeyMismatchError } from '../../control-plane/provision/install/index.ts';
import { generateSshKeyPair } from '../../control-plane/provision/netns/keys.ts';
import type { ProvisionedNode } from '../../control-plane/provision/provider.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE, testImageArchives } from '../helpers/images.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { kubectlSession, waitFor, type KubectlSession } from '../helpers/server.ts';
import { jsonLines, readPid, removeStaleTestHomes, testHome, type TestHome } from './cluster-cli.ts';
import { waitForNoTraces } from './host-traces.ts';

const LONG = 420_000;
/** Each wait gives up well before its test does, so a failure says what it waited for. */
const WAIT = 150_000;
const NODE_STEPS = ['create node', 'SSH up', 'install agent', 'agent up', 'node Ready'];

describe.skipIf(netnsSkipReason() !== undefined)('flotilla cluster on netns nodes', () => {
  let t: TestHome;
  let kube: KubectlSession;
  let createOutput: string;

  beforeAll(async () => {
    await removeStaleTestHomes();
    t = testHome();
    const created = await t.flotilla(['cluster', 'create', t.cluster, '--nodes', '2', '--output', 'json']);
    createOutput = created.stdout;
    expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(0);
    kube = kubectlSession(t.kubeconfig, join(t.home, 'kube-cache'));
  }, LONG);

  afterAll(async () => {
    await t?.cleanup();
  }, LONG);

  const nodes = (): ProvisionedNode[] => JSON.parse(readFileSync(join(t.clusterDir, 'nodes.json'), 'utf8'));
  const getJson = async (...args: string[]) => JSON.parse(await kube.k(...args, '-o', 'json'));
  const podsOf = async (app: string) => (await getJson('get', 'pods', '-l', `app=${app}`)).items as any[];
  /** wget from inside a pod, retried until it answers (a new Service takes a moment to route). */
  const fetchFrom = (pod: string, url: string) =>
    waitFor(
      async () => {
        const r = await kube.kubectl(['exec', pod, '--', 'wget', '-q', '-O', '-', url], {
          timeoutMs: 30_000,
        });
        return r.code === 0 ? r.stdout : undefined;
      },
      WAIT,
      `${url} answering from ${pod}`,
      1_000,
    );
  const running = (pods: any[]) =>
    pods.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);

  it('reports every step of every node, then gives a kubeconfig whose context is the cluster', async () => {
    const events = jsonLines(createOutput);
    for (const node of ['node-1', 'node-2']) {
      const done = events.filter((e) => e.node === node && e.status === 'done').map((e) => e.step);
      expect(done).toEqual(NODE_STEPS);
    }
    const progress = events.filter((e) => e.step);
    expect(progress.every((e) => typeof e.elapsedMs === 'number' && e.cluster === t.cluster)).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'ready', name: t.cluster, kubeconfig: t.kubeconfig });

    const printed = await t.flotilla(['kubeconfig', t.cluster]);
    expect(parse(printed.stdout)['current-context']).toBe(t.cluster);
    const list = await t.flotilla(['cluster', 'list']);
    expect(list.stdout).toMatch(new RegExp(`${t.cluster}\\s+netns\\s+running\\s+2`));
  });

  it('has both nodes Ready, each running with its own node credential', async () => {
    const listed = await getJson('get', 'nodes');
    expect(listed.items.map((n: any) => n.metadata.name).sort()).toEqual(['node-1', 'node-2']);
    for (const node of nodes()) {
      const agentConfig = parse(readFileSync(join(node.agent.installDir, 'agent.yaml'), 'utf8'));
      const whoami = kubectlSession(agentConfig.kubeconfig, join(t.home, `kube-cache-${node.name}`));
      const review = JSON.parse(await whoami.k('auth', 'whoami', '-o', 'json'));
      expect(review.status.userInfo.username).toBe(`system:node:${node.name}`);
      expect(review.status.userInfo.groups).toContain('system:nodes');
      const obj = listed.items.find((n: any) => n.metadata.name === node.name);
      expect(obj.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    }
    // Pods reach the API server where the nodes do: the `kubernetes` Service's endpoint.
    const endpoints = await getJson('get', 'endpoints', 'kubernetes');
    expect(endpoints.subsets[0].addresses[0].ip).toBe(nodes()[0]!.apiServerAddress);
  });

  it(
    'loads images into every node; a Deployment runs on both nodes with imagePullPolicy Never, reachable across nodes by pod IP and by Service name',
    async () => {
      const images = testImageArchives();
      for (const archive of [images.busybox, images.httpd]) {
        const loaded = await t.flotilla(['image', 'load', archive, '--cluster', t.cluster]);
        expect(loaded.code, loaded.stderr).toBe(0);
      }
      await kube.apply(deployment('web', 4, HTTPD_IMAGE, ['serve-hostname']));
      const pods = await waitFor(
        async () => {
          const r = running(await podsOf('web'));
          return r.length === 4 && new Set(r.map((p) => p.spec.nodeName)).size === 2 ? r : undefined;
        },
        WAIT,
        'web pods Running on both nodes',
        1_000,
      );
      expect(pods!.every((p) => p.spec.containers[0].imagePullPolicy === 'Never')).toBe(true);
      await kube.apply(deployment('shell', 1, BUSYBOX_IMAGE, ['sleep', '100000']));
      const [shell] = (await waitFor(
        async () => {
          const r = running(await podsOf('shell'));
          return r.length === 1 ? r : undefined;
        },
        WAIT,
        'busybox pod Running',
        1_000,
      ))!;
      // Pod to pod across nodes by IP (the agents' host-gw routes), and through a Service by
      // name (cluster DNS and kube-proxy on the nodes).
      const remote = pods!.find((p) => p.spec.nodeName !== shell.spec.nodeName)!;
      const byIp = await fetchFrom(shell.metadata.name, `http://${remote.status.podIP}/`);
      expect(byIp).toContain(`hello from ${remote.metadata.name}`);
      await kube.k('expose', 'deployment', 'web', '--port', '80');
      expect(await fetchFrom(shell.metadata.name, 'http://web/')).toMatch(/hello from web-/);
    },
    LONG,
  );

  it(
    'keeps the pods across cluster stop and start: same names, Running again',
    async () => {
      const before = running(await podsOf('web'))
        .map((p) => p.metadata.name)
        .sort();
      const stopped = await t.flotilla(['cluster', 'stop', t.cluster]);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect((await t.flotilla(['cluster', 'list'])).stdout).toMatch(
        new RegExp(`${t.cluster}\\s+netns\\s+stopped`),
      );
      const startedAt = Date.now() - 1_000; // startedAt has whole seconds
      const started = await t.flotilla(['cluster', 'start', t.cluster]);
      expect(started.code, `${started.stdout}\n${started.stderr}`).toBe(0);
      // Running again means containers started after the start (the stopped nodes' statuses
      // may still say Running: nobody was there to change them).
      const after = await waitFor(
        async () => {
          const pods = await podsOf('web');
          const again = running(pods).filter(
            (p) => Date.parse(p.status.containerStatuses?.[0]?.state?.running?.startedAt ?? 0) >= startedAt,
          );
          return again.length === 4 && pods.length === 4 ? pods : undefined;
        },
        WAIT,
        'web containers running again after the start',
        1_000,
      );
      expect(after!.map((p) => p.metadata.name).sort()).toEqual(before);
    },
    LONG,
  );

  it(
    'survives its supervisor crashing: cluster start takes over, pods untouched',
    async () => {
      const containers = async () =>
        running(await podsOf('web'))
          .map((p) => `${p.metadata.name} ${p.status.containerStatuses[0].containerID}`)
          .sort();
      const before = await containers();
      process.kill(readPid(join(t.clusterDir, 'supervisor.pid'))!, 'SIGKILL');
      await waitFor(async () => (await t.flotilla(['cluster', 'list'])).stdout.includes('stopped'), WAIT);
      const started = await t.flotilla(['cluster', 'start', t.cluster]);
      expect(started.code, `${started.stdout}\n${started.stderr}`).toBe(0);
      // The nodes and their agents kept running: the same containers, not restarted ones.
      expect(await containers()).toEqual(before);
    },
    LONG,
  );

  it(
    'adds a node that becomes Ready, and removes it again',
    async () => {
      const added = await t.flotilla(['node', 'add', t.cluster]);
      expect(added.code, `${added.stdout}\n${added.stderr}`).toBe(0);
      expect(added.stdout).toContain('Node node-3 is Ready');
      const ready = await getJson('get', 'node', 'node-3');
      expect(ready.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      expect((await t.flotilla(['node', 'list', t.cluster])).stdout).toContain('node-3');
      // The images loaded before came along, checked on the node itself over `node shell`.
      const node3 = nodes().find((n) => n.name === 'node-3')!;
      const images = await t.flotilla([
        'node',
        'shell',
        t.cluster,
        'node-3',
        `ctr --address ${node3.agent.containerRuntimeEndpoint} -n k8s.io images ls -q`,
      ]);
      expect(images.code, images.stderr).toBe(0);
      expect(images.stdout).toContain(HTTPD_IMAGE);

      const removed = await t.flotilla(['node', 'remove', t.cluster, 'node-3']);
      expect(removed.code, `${removed.stdout}\n${removed.stderr}`).toBe(0);
      const left = await getJson('get', 'nodes');
      expect(left.items.map((n: any) => n.metadata.name).sort()).toEqual(['node-1', 'node-2']);
      expect(nodes().map((n) => n.name)).toEqual(['node-1', 'node-2']);
    },
    LONG,
  );

  it("runs the control plane's commands without the shell start-up files the node shares with this computer", async () => {
    const privateKey = readFileSync(join(t.clusterDir, 'ssh', 'id_ed25519'), 'utf8');
    const ssh = await connectSsh(nodes()[0]!, { privateKey });
    try {
      // bash reads ~/.bashrc for a command from sshd only at shell level 1; the node's sshd
      // makes its shells level 2, so a slow or stuck rc file on this computer cannot stall them.
      expect((await ssh.run('echo "$SHLVL"')).trim()).toBe('2');
    } finally {
      ssh.close();
    }
  });

  it('refuses a node whose SSH host key changed, before authenticating', async () => {
    const node = nodes()[0]!;
    const sshdLog = join(node.agent.installDir, '..', 'logs', 'sshd.log');
    const acceptedBefore = countOf(readFileSync(sshdLog, 'utf8'), 'Accepted publickey');
    const impostor = { ...node, hostKey: generateSshKeyPair('someone-else').publicKey.trim() };
    const privateKey = readFileSync(join(t.clusterDir, 'ssh', 'id_ed25519'), 'utf8');
    await expect(connectSsh(impostor, { privateKey })).rejects.toBeInstanceOf(HostKeyMismatchError);
    // The right key still gets in; the refused attempt never authenticated.
    (await connectSsh(node, { privateKey })).close();
    await waitFor(() => countOf(readFileSync(sshdLog, 'utf8'), 'Accepted publickey') === acceptedBefore + 1);
  });

  it(
    'restarts an agent that crashed',
    async () => {
      const node = nodes()[0]!;
      const pidFile = join(node.agent.installDir, 'agent.pid');
      const crashed = readPid(pidFile)!;
      process.kill(crashed, 'SIGKILL');
      await waitFor(
        () => {
          const pid = readPid(pidFile);
          return pid !== undefined && pid !== crashed && existsSync(`/proc/${pid}`);
        },
        WAIT,
        'a new agent process',
        500,
      );
      await waitFor(
        async () => {
          const n = await getJson('get', 'node', node.name);
          const ready = n.status.conditions.find((c: any) => c.type === 'Ready');
          return ready.status === 'True' && Date.parse(ready.lastHeartbeatTime) > Date.now() - 30_000;
        },
        WAIT,
        'the node Ready with a fresh heartbeat',
        1_000,
      );
    },
    LONG,
  );

  it(
    'makes a node NotReady when its agent stops, and its pods are recreated on the other node',
    async () => {
      const victim = nodes()[1]!;
      const moved = running(await podsOf('web')).filter((p) => p.spec.nodeName === victim.name);
      expect(moved.length).toBeGreaterThan(0);
      const agentPid = readPid(join(victim.agent.installDir, 'agent.pid'))!;
      // Frozen, not killed: the supervisor restarts an agent that died, as it should.
      process.kill(agentPid, 'SIGSTOP');
      try {
        await waitFor(
          async () => {
            const n = await getJson('get', 'node', victim.name);
            return n.status.conditions.find((c: any) => c.type === 'Ready').status !== 'True';
          },
          WAIT,
          `${victim.name} NotReady`,
          1_000,
        );
        await waitFor(
          async () => {
            const r = running(await podsOf('web'));
            return r.length === 4 && r.every((p) => p.spec.nodeName !== victim.name);
          },
          WAIT,
          'web pods all Running on the other node',
          1_000,
        );
      } finally {
        process.kill(agentPid, 'SIGCONT');
      }
    },
    LONG,
  );

  it(
    'cluster delete leaves no namespace, bridge, iptables rule, process, mount or file behind',
    async () => {
      const deleted = await t.flotilla(['cluster', 'delete', t.cluster]);
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(await waitForNoTraces(t.cluster, t.clusterDir)).toEqual([]);
    },
    LONG,
  );
});

function deployment(name: string, replicas: number, image: string, command: string[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          // Spread over the nodes, and leave a lost node after seconds, not the default 5 minutes.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { app: name } },
            },
          ],
          tolerations: ['not-ready', 'unreachable'].map((t) => ({
            key: `node.kubernetes.io/${t}`,
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 2,
          })),
          containers: [{ name, image, imagePullPolicy: 'Never', command }],
        },
      },
    },
  };
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
