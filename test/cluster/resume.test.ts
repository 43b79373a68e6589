// A cluster left running comes back after the computer restarts, with its workloads: a 1-node
// netns cluster with a Deployment goes through a simulated reboot (every process of the cluster
// SIGKILLed, its node namespace, bridge, host rules, cgroups and mounts gone, only its folder
// left, as after a power cycle), then resumeClusters() (what the app and `flotilla serve` call
// at start) brings the node back Ready and the Deployment's pod Running under the same name.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listClusters, resumeClusters } from '../../control-plane/cluster/index.ts';
import { deleteBridge } from '../../control-plane/provision/netns/bridge.ts';
import { removeCgroupTree } from '../../control-plane/provision/netns/cgroups.ts';
import { namespacePrefix } from '../../control-plane/provision/netns/names.ts';
import {
  deleteNamespace,
  killNamespaceProcesses,
  listNamespaces,
} from '../../control-plane/provision/netns/namespace.ts';
import { BUSYBOX_IMAGE, testImageArchives } from '../helpers/images.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { kubectlSession, waitFor, type KubectlSession } from '../helpers/server.ts';
import { readPid, removeStaleTestHomes, testHome, type TestHome } from './cluster-cli.ts';
import { hostTraces } from './host-traces.ts';

const LONG = 420_000;
/** Each wait gives up well before its test does, so a failure says what it waited for. */
const WAIT = 150_000;

describe.skipIf(netnsSkipReason() !== undefined)('clusters come back after a reboot', () => {
  let t: TestHome;
  let kube: KubectlSession;
  const savedHome = process.env['FLOTILLA_HOME'];

  beforeAll(async () => {
    await removeStaleTestHomes();
    t = testHome();
    // resumeClusters() runs in this process: it finds clusters where the CLI made them.
    process.env['FLOTILLA_HOME'] = t.home;
    const created = await t.flotilla(['cluster', 'create', t.cluster, '--nodes', '1']);
    expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(0);
    kube = kubectlSession(t.kubeconfig, join(t.home, 'kube-cache'));
  }, LONG);

  afterAll(async () => {
    if (savedHome === undefined) delete process.env['FLOTILLA_HOME'];
    else process.env['FLOTILLA_HOME'] = savedHome;
    await t?.cleanup();
  }, LONG);

  const ours = async () => (await listClusters()).find((c) => c.name === t.cluster)!;
  const sleeperPods = async () =>
    (JSON.parse(await kube.k('get', 'pods', '-l', 'app=sleeper', '-o', 'json')).items as any[]).filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const startedAt = (pod: any) =>
    Date.parse(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? 0);

  it(
    'brings the node back Ready and the Deployment Running after a simulated reboot',
    async () => {
      const loaded = await t.flotilla(['image', 'load', testImageArchives().busybox, '--cluster', t.cluster]);
      expect(loaded.code, loaded.stderr).toBe(0);
      await kube.apply(sleeper());
      const [before] = (await waitFor(
        async () => {
          const pods = await sleeperPods();
          return pods.length === 1 && pods[0].status?.phase === 'Running' ? pods : undefined;
        },
        WAIT,
        'the sleeper pod Running before the reboot',
        1_000,
      ))!;
      expect(await ours()).toMatchObject({ state: 'running', desired: 'running' });
      const nodeBefore = JSON.parse(await kube.k('get', 'node', 'node-1', '-o', 'json'));

      await simulateReboot(t);
      expect(await hostTraces(t.cluster, t.clusterDir)).toEqual([`directory ${t.clusterDir}`]);
      expect(await ours()).toMatchObject({ state: 'stopped', desired: 'running' });

      const rebootedAt = Date.now() - 1_000; // startedAt has whole seconds
      const resuming = await resumeClusters();
      expect(resuming.names).toEqual([t.cluster]);
      // Listed as starting at once, while the supervisor brings the node back.
      expect((await ours()).state).toBe('starting');
      const [result] = await resuming.done;
      expect(result, JSON.stringify(result)).toMatchObject({ name: t.cluster, ok: true });
      expect(await ours()).toMatchObject({ state: 'running', desired: 'running' });

      const node = JSON.parse(await kube.k('get', 'node', 'node-1', '-o', 'json'));
      expect(node.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      // The same node: its address and pod range, so the pods' addresses stay valid.
      expect(node.status.addresses).toEqual(nodeBefore.status.addresses);
      expect(node.spec.podCIDR).toBe(nodeBefore.spec.podCIDR);
      expect(node.metadata.uid).toBe(nodeBefore.metadata.uid);
      // The pod the store kept, with a container started after the reboot: not a new pod.
      const after = await waitFor(
        async () => {
          const pods = await sleeperPods();
          return pods.length === 1 && pods[0].status?.phase === 'Running' && startedAt(pods[0]) >= rebootedAt
            ? pods[0]
            : undefined;
        },
        WAIT,
        'the sleeper pod Running again after the reboot',
        1_000,
      );
      expect(after.metadata.name).toBe(before.metadata.name);
      // Its node came back with the same address, so the pod's network is the node's again.
      expect(after.status.podIP).toBeTruthy();
    },
    LONG,
  );

  it(
    'does not start a cluster the user stopped',
    async () => {
      const stopped = await t.flotilla(['cluster', 'stop', t.cluster]);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(await ours()).toMatchObject({ state: 'stopped', desired: 'stopped' });
      const resuming = await resumeClusters();
      expect(resuming.names).toEqual([]);
      expect((await ours()).state).toBe('stopped');
    },
    LONG,
  );
});

/**
 * What a power cycle does to a netns cluster: every process gone at once (no graceful stop),
 * namespaces, links, host iptables rules, cgroups and mounts gone; files on disk kept.
 */
async function simulateReboot(t: TestHome): Promise<void> {
  const supervisor = readPid(join(t.clusterDir, 'supervisor.pid'));
  if (supervisor) process.kill(supervisor, 'SIGKILL');
  // Everything in a node: containerd, sshd, the agent (started over SSH), shims and containers.
  for (const namespace of await listNamespaces(namespacePrefix(t.cluster)))
    await killNamespaceProcesses(namespace);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point?.startsWith(t.clusterDir) ?? false)
    .reverse(); // the deepest first
  for (const point of mounts) execFileSync('umount', ['-l', point]);
  for (const namespace of await listNamespaces(namespacePrefix(t.cluster))) await deleteNamespace(namespace);
  await deleteBridge(t.cluster);
  await removeCgroupTree(`/flotilla/${t.cluster}`);
  if (supervisor) await waitFor(() => !existsSync(`/proc/${supervisor}`), 30_000, 'the supervisor gone');
}

function sleeper() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'sleeper' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'sleeper' } },
      template: {
        metadata: { labels: { app: 'sleeper' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'sleeper', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'] },
          ],
        },
      },
    },
  };
}
