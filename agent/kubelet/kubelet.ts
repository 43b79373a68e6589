// The kubelet's pod loop: an informer on this node's pods and a once-a-second relist of the
// runtime (a PLEG) both feed one work queue keyed by pod UID; workers sync one pod at a time
// per UID. Terminating pods are killed with their grace period and then deleted for good;
// runtime pods whose API object is gone are removed. Statuses go through pods/status, and only
// when they changed. A sync's own doings are not news: the status it wrote coming back on the
// watch, and the sandbox and containers it started showing up in the relist, wake nobody.
import {
  isConflict,
  isNotFound,
  RateLimitingQueue,
  runWorkers,
  type Client,
  type Logger,
  type SharedInformerFactory,
} from '../../api/client/index.ts';
import { componentInformers, waitForInformers } from '../informers.ts';
import type { KubeObject } from '../../api/client/index.ts';
import type { Pod, PodStatus } from '../../api/types/pod.ts';
import type { Service } from '../../api/types/service.ts';
import { activeDeadlinePassed, DEADLINE_EXCEEDED } from './active-deadline.ts';
import { ConfigSources } from './config-sources.ts';
import type { CriClient } from './cri/index.ts';
import { CrashBackoff } from './crash-backoff.ts';
import { ImagePullBackoff } from './images.ts';
import { KubeletEvent, kubeletEventRecorder, podObject, type EventRecorder } from './events.ts';
import { sleep } from './node-status.ts';
import { computePodStatus } from './pod-status.ts';
import { onlyOwnStatusChanged, sameStatus } from './status-equal.ts';
import { killPod, removePodRuntime, syncPod, type SyncContext, type SyncResult } from './pod-sync.ts';
import { ProbeManager } from './probes.ts';
import { podFingerprint, podRuntimeState, relistFingerprints } from './runtime-state.ts';
import type { SandboxContext } from './sandbox-config.ts';
import { serviceEnv } from './service-env.ts';
import { PodStartupTracker } from './startup-latency.ts';
import { removePodData } from './volumes.ts';
import { ServiceAccountTokens } from './volumes-token.ts';

/** How long after its last sync a pod is synced again (upstream's --sync-frequency is 1 min). */
const RESYNC_MS = 10_000;

export interface KubeletOptions extends SandboxContext {
  client: Client;
  cri: CriClient;
  nodeName: string;
  nodeIP: string;
  logger: Logger;
  nodeAllocatable: { cpu: string; memory: string };
  relistMs?: number;
  workers?: number;
  /** Where the kubelet's events go; by default a recorder of its own. */
  events?: EventRecorder;
  /** The agent's shared informers; without them it watches on its own. */
  informers?: SharedInformerFactory;
}

const UID_INDEX = 'uid';
const podUid = (p: Pod & KubeObject) => (p.metadata?.uid ? [p.metadata.uid] : []);

export async function runKubelet(opts: KubeletOptions, signal: AbortSignal): Promise<void> {
  const { client, cri, logger } = opts;
  const factory = componentInformers(opts, signal);
  const informer = factory.informerFor<Pod & KubeObject>('v1', 'Pod', {
    fieldSelector: `spec.nodeName=${opts.nodeName}`,
    indexers: { [UID_INDEX]: podUid },
  });
  const queue = new RateLimitingQueue<string>();
  const enqueue = (p: Pod) => p.metadata?.uid && queue.add(p.metadata.uid);
  const startup = new PodStartupTracker(logger);
  informer.addEventHandler({
    onAdd: (p) => {
      startup.seen(p);
      enqueue(p);
    },
    // Our own status write coming back is not news (upstream's pod config ignores status-only
    // updates too); any other change, or a status someone else wrote, wakes the pod.
    onUpdate: (old, p) => {
      if (!onlyOwnStatusChanged(old, p, written.get(p.metadata?.uid ?? ''))) enqueue(p);
    },
    onDelete: enqueue,
  });
  /** The status each pod was last given by writeStatus. */
  const written = new Map<string, PodStatus>();
  /** Each pod's runtime fingerprint as last seen, by the relist or by the pod's own sync. */
  const seen = new Map<string, string>();
  /** Counts relists begun; with `recordedIn`, which syncs read the runtime while a relist listed it. */
  let relistEpoch = 0;
  /** The relist epoch in which each pod's sync last recorded its fingerprint in `seen`. */
  const recordedIn = new Map<string, number>();
  /** Pods this process has synced; with the relist's view, which new pods the runtime cannot hold yet. */
  const synced = new Set<string>();
  let relisted = false;
  // Service link variables come from every Service the pod's namespace has.
  const services = factory.informerFor<Service & KubeObject>('v1', 'Service');
  const events = opts.events ?? kubeletEventRecorder(client, opts.nodeName, logger);
  const tokens = new ServiceAccountTokens(client);
  const probes = new ProbeManager(
    cri,
    (uid) => queue.add(uid),
    (uid, _container, kind, output) => {
      const pod = informer.byIndex(UID_INDEX, uid)[0];
      const what = `${kind[0]!.toUpperCase()}${kind.slice(1)} probe failed: ${output}`;
      if (pod) events.event(podObject(pod), 'Warning', KubeletEvent.Unhealthy, what);
    },
  );
  const ctx: SyncContext = {
    ...opts,
    cri,
    sources: new ConfigSources(client),
    probes,
    backoff: new CrashBackoff(),
    imageBackoff: new ImagePullBackoff(),
    hostIP: opts.nodeIP,
    events,
    tokens,
    startup,
    serviceEnv: (pod) => serviceEnv(services.list(), pod.metadata!.namespace!, pod.spec?.enableServiceLinks),
  };
  const startTimes = new Map<string, string>();
  const pods = client.resource<Pod & KubeObject>('v1', 'Pod');

  const sync = async (uid: string) => {
    const pod = informer.byIndex(UID_INDEX, uid)[0];
    if (!pod) {
      // Already cleaned up, and the runtime holds nothing of it: a resync that was still due.
      if (relisted && !synced.has(uid) && !seen.has(uid)) return;
      // Deleted from the API (maybe while we were down): nothing of it may keep running.
      probes.stop(uid);
      await killPod(cri, uid, 0);
      await removePodRuntime(cri, uid);
      ctx.backoff.forget(`${uid}/`);
      ctx.imageBackoff?.forget(`${uid}/`);
      tokens.forget(uid);
      startTimes.delete(uid);
      written.delete(uid);
      startup.forget(uid);
      synced.delete(uid);
      recordedIn.delete(uid);
      return;
    }
    const ref = { pod: `${pod.metadata!.namespace}/${pod.metadata!.name}` };
    startup.mark(uid, 'syncStarted');
    if (pod.metadata!.deletionTimestamp) {
      startup.forget(uid);
      const grace = pod.metadata!.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      probes.stop(uid);
      await killPod(cri, uid, grace, { pod, podIP: pod.status?.podIP, events });
      await removePodRuntime(cri, uid);
      removePodData(opts.dataDir, pod);
      tokens.forget(uid);
      try {
        await pods
          .namespace(pod.metadata!.namespace!)
          .delete(pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
        logger.info('pod terminated and deleted', ref);
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      return;
    }
    if (!startTimes.has(uid)) startTimes.set(uid, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    const deadline = activeDeadlinePassed(pod, pod.status?.startTime ?? startTimes.get(uid)!, Date.now());
    if (deadline.passed && pod.status?.phase !== 'Failed') {
      // Upstream's activeDeadlineHandler: the pod fails and its containers are killed.
      events.event(podObject(pod), 'Normal', KubeletEvent.DeadlineExceeded, DEADLINE_EXCEEDED.message);
      probes.stop(uid);
      await killPod(cri, uid, pod.spec?.terminationGracePeriodSeconds ?? 30, {
        pod,
        podIP: pod.status?.podIP,
        events,
      });
    }
    // Nothing of a pod the relist has never seen can be in the runtime before its first sync
    // (an earlier agent's leftovers would have shown up in the relist); after that, a failed
    // start may have left something behind, so later passes list it.
    const runtimeEmpty = relisted && !synced.has(uid) && !seen.has(uid);
    synced.add(uid);
    const result: SyncResult = deadline.passed
      ? {
          state: await podRuntimeState(cri, uid),
          sandboxReady: false,
          podIP: pod.status?.podIP ?? '',
          waiting: new Map(),
        }
      : await syncPod(pod, ctx, { runtimeEmpty });
    const status = computePodStatus({
      pod,
      hostIP: opts.nodeIP,
      podIP: result.podIP,
      sandboxReady: result.sandboxReady,
      containers: result.state.containers,
      waiting: result.waiting,
      probes,
      startTime: startTimes.get(uid)!,
    });
    if (deadline.passed) Object.assign(status, { phase: 'Failed', ...DEADLINE_EXCEEDED });
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      // A finished pod's sandbox is stopped (its IP released); the record stays for its logs.
      probes.stop(uid);
      for (const s of result.state.sandboxes) if (s.state === 'SANDBOX_READY') await cri.stopPodSandbox(s.id);
    }
    seen.set(uid, podFingerprint(result.state));
    recordedIn.set(uid, relistEpoch);
    await writeStatus(pod, status);
    if (result.retryAfterMs !== undefined) queue.addAfter(uid, result.retryAfterMs);
    if (deadline.remainingMs !== undefined && !deadline.passed)
      queue.addAfter(uid, deadline.remainingMs + 100);
    // Each pod is synced again a while after its last sync, for anything no event announces
    // (ConfigMap, Secret and token updates of its volumes). Like upstream's pod workers, per pod
    // and jittered (workerResyncIntervalJitterFactor 0.5), not all pods at once: a resync of every
    // pod landing in a burst of new ones cost each of them a second full pass through CRI.
    queue.addAfter(uid, RESYNC_MS * (1 + Math.random() / 2));
  };

  const writeStatus = async (pod: Pod, status: PodStatus) => {
    if (sameStatus(pod.status ?? {}, status)) return;
    const name = pod.metadata!.name!;
    const uid = pod.metadata!.uid!;
    written.set(uid, status);
    startup.mark(uid, 'statusSent');
    await pods
      .namespace(pod.metadata!.namespace!)
      .patch(name, 'merge', { status }, { subresource: 'status' });
    startup.statusWritten(uid, status.phase);
  };

  await waitForInformers([informer, services], signal);
  const relist = async () => {
    while (!signal.aborted) {
      try {
        const epoch = ++relistEpoch;
        const now = await relistFingerprints(cri);
        // A pod whose sync ran while the runtime was listed has its own read-back, which may be
        // newer than this list: it is neither woken by the list nor given the list's older view
        // (in a burst of new pods, nearly every one would get a second, useless sync). The next
        // relist compares against what the sync recorded, so a change it missed waits 1 s at most.
        const syncedMeanwhile = (uid: string) => queue.isProcessing(uid) || recordedIn.get(uid) === epoch;
        for (const uid of [...seen.keys()]) if (!now.has(uid) && !syncedMeanwhile(uid)) seen.delete(uid);
        for (const [uid, fp] of now) {
          if (syncedMeanwhile(uid)) {
            // Still known to be in the runtime, should its sync fail before recording.
            if (!seen.has(uid)) seen.set(uid, fp);
            continue;
          }
          if (seen.get(uid) !== fp) queue.add(uid);
          seen.set(uid, fp);
        }
        relisted = true;
      } catch (err) {
        logger.warn('relisting the runtime failed', { error: String(err) });
      }
      await sleep(opts.relistMs ?? 1000, signal);
    }
  };
  signal.addEventListener('abort', () => probes.stopAll(), { once: true });
  for (const p of informer.list()) enqueue(p);
  await Promise.all([
    relist(),
    runWorkers({
      queue,
      // Upstream runs one goroutine per pod. A burst of new pods (a Deployment scaled up) must
      // reach containerd together, or the last ones wait in this queue behind whole pod starts
      // (25 new pods on a node, p98 wait here: 4 workers 6.7 s, 16 workers 5 s, 64 none; p99
      // over the raw CRI path, median of 4-6 runs: x1.3 with 16, x1.1 with 64). Still bounded.
      workers: opts.workers ?? 64,
      signal,
      sync,
      onError: (uid, err) => logger.warn('pod sync failed', { uid, error: String(err) }),
    }),
  ]);
}
