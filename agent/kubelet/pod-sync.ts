// One pass of a pod's worker (upstream kuberuntime_manager.go SyncPod, much reduced): make the
// runtime match the pod. Sandbox first, then init containers one at a time in order, then the
// regular containers; exited containers restart per restartPolicy behind a crash back-off; a
// failed liveness probe kills its container. The caller writes the resulting status.
import type { Client, Logger } from '../../api/client/index.ts';
import type { Container } from '../../api/types/container.ts';
import type { Pod } from '../../api/types/pod.ts';
import { ConfigSources, ContainerConfigError } from './config-sources.ts';
import { containerConfig } from './container-config.ts';
import { type CriClient, type PodSandbox, type PodSandboxStatus } from './cri/index.ts';
import { CrashBackoff } from './crash-backoff.ts';
import { containerEnv } from './env.ts';
import { KubeletEvent, podObject, type EventRecorder } from './events.ts';
import { runHook } from './hooks.ts';
import { ensureImage, ImagePullBackoff, ImagePullError, type PullReport } from './images.ts';
import { instancesOf, type Waiting } from './pod-status.ts';
import { imagePullAuth } from './pull-secrets.ts';
import type { ProbeManager } from './probes.ts';
import {
  containerStates,
  criMillis,
  podRuntimeState,
  type PodRuntimeState,
  type RuntimeContainer,
} from './runtime-state.ts';
import { sandboxConfig, type SandboxContext } from './sandbox-config.ts';
import type { PodStartupTracker } from './startup-latency.ts';
import { containerMounts, setUpVolumes, type MountedVolumes } from './volumes.ts';
import type { ServiceAccountTokens } from './volumes-token.ts';

export interface SyncContext extends SandboxContext {
  cri: CriClient;
  sources: ConfigSources;
  probes: ProbeManager;
  backoff: CrashBackoff;
  /** Waits between failed image pulls (ImagePullBackOff); none when unset. */
  imageBackoff?: ImagePullBackoff;
  hostIP: string;
  nodeAllocatable: { cpu: string; memory: string };
  logger: Logger;
  client: Client;
  events: EventRecorder;
  tokens: ServiceAccountTokens;
  /** Service link variables for the pod (service-env.ts); none when unset. */
  serviceEnv?: (pod: Pod) => Map<string, string>;
  /** Times each new pod's first start (startup-latency.ts); none when unset. */
  startup?: PodStartupTracker;
}

export interface SyncResult {
  state: PodRuntimeState;
  sandboxReady: boolean;
  podIP: string;
  waiting: Map<string, Waiting>;
  /** Sync again after this long (a back-off ends), if set. */
  retryAfterMs?: number;
}

export interface SyncOptions {
  /**
   * The caller knows the runtime holds nothing of this pod (a new pod the relist never saw and
   * no sync touched): the pass starts from that instead of listing it.
   */
  runtimeEmpty?: boolean;
}

export async function syncPod(pod: Pod, ctx: SyncContext, opts: SyncOptions = {}): Promise<SyncResult> {
  const uid = pod.metadata!.uid!;
  const spec = pod.spec!;
  const waiting = new Map<string, Waiting>();
  const ref = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
  let retryAfterMs: number | undefined;
  // Every CRI call costs the agent and containerd CPU that a burst of new pods competes for, so
  // a new pod's first pass makes only the calls its start needs (6 instead of 11): the state it
  // reads back is what its own calls returned, and the relist still catches anything else.
  let state: PodRuntimeState = opts.runtimeEmpty
    ? { uid, sandboxes: [], containers: [] }
    : await podRuntimeState(ctx.cri, uid);
  /** Whether this pass started from nothing, so it knows every object the pod has in the runtime. */
  const fromScratch = state.sandboxes.length === 0 && state.containers.length === 0;
  /** Containers already exited when this pass read the pod: what its decisions took into account. */
  const exitedBefore = new Set(
    state.containers.filter((c) => c.state === 'CONTAINER_EXITED').map((c) => c.id),
  );
  /** Containers this pass created, for reading back their state. */
  const created: string[] = [];
  let sandboxStatus: PodSandboxStatus | null = null;
  const phase = pod.status?.phase;
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  const setUpPodVolumes = (podIP: string) =>
    setUpVolumes(pod, { ...ctx, pod, podIP, hostIP: ctx.hostIP, nodeAllocatable: ctx.nodeAllocatable });
  let volumesWhileSandboxStarts: Promise<MountedVolumes> | undefined;
  let sandbox = state.sandboxes.find((s) => s.state === 'SANDBOX_READY');
  if (!sandbox && !terminal && !finishedForGood(pod, state.containers)) {
    // A dead sandbox takes its containers with it: stop them before starting over.
    for (const c of state.containers)
      if (c.state === 'CONTAINER_RUNNING') await ctx.cri.stopContainer(c.id, 0).catch(() => undefined);
    const config = sandboxConfig(pod, ctx, state.sandboxes.length);
    // Volumes need nothing from the sandbox (no downwardAPI volume field may be the pod IP, and
    // upstream mounts them before it): their API reads and file writes overlap the runtime's
    // work instead of following it. Awaited below; a failed sandbox returns before that.
    volumesWhileSandboxStarts = setUpPodVolumes('');
    volumesWhileSandboxStarts.then(
      () => ctx.startup?.mark(uid, 'volumesReady'),
      () => undefined,
    );
    ctx.startup?.mark(uid, 'sandboxStarted');
    const id = await ctx.cri.runPodSandbox(config);
    ctx.startup?.mark(uid, 'sandboxReady');
    ctx.logger.info('started pod sandbox', {
      pod: ref,
      sandbox: id.slice(0, 12),
      attempt: config.metadata.attempt,
    });
    // Its status says both whether it is ready and its IP: no need to list the pod again.
    sandboxStatus = (await ctx.cri.podSandboxStatus(id)).status;
    if (sandboxStatus) {
      const started = listedSandbox(sandboxStatus);
      state = { ...state, sandboxes: [started, ...state.sandboxes.filter((s) => s.id !== id)] };
      if (started.state === 'SANDBOX_READY') sandbox = started;
    }
  }
  let podIP = '';
  if (sandbox) {
    podIP = spec.hostNetwork
      ? ctx.hostIP
      : ((sandboxStatus?.id === sandbox.id
          ? sandboxStatus
          : (await ctx.cri.podSandboxStatus(sandbox.id)).status
        )?.network?.ip ?? '');
  }
  const result = (): SyncResult => ({ state, sandboxReady: !!sandbox, podIP, waiting, retryAfterMs });
  if (!sandbox || terminal) return result();

  const sandboxId = sandbox.id;
  const inSandbox = state.containers.filter((c) => c.podSandboxId === sandboxId);
  const event = (type: 'Normal' | 'Warning', reason: string, message: string) =>
    ctx.events.event(podObject(pod), type, reason, message);
  // Every pass sets the volumes up or refreshes their files (ConfigMap, Secret, downward API
  // and token updates reach running containers); no container starts before all are there.
  const mounted = await (volumesWhileSandboxStarts ?? setUpPodVolumes(podIP));
  for (const failure of mounted.failures) event('Warning', KubeletEvent.FailedMount, failure.message);
  if (mounted.paths.size < (spec.volumes?.length ?? 0)) {
    retryAfterMs = 5000;
    return finish();
  }
  const volumes = mounted.paths;
  const start = async (container: Container, kind: 'init' | 'regular', previous?: RuntimeContainer) => {
    const attempt = previous ? (previous.metadata?.attempt ?? 0) + 1 : 0;
    const pullKey = `${uid}/${container.name}`;
    const pullWait = ctx.imageBackoff?.remainingMs(pullKey) ?? 0;
    if (pullWait > 0) {
      const message = `Back-off pulling image "${container.image}"`;
      waiting.set(container.name, { reason: 'ImagePullBackOff', message });
      event('Normal', KubeletEvent.BackOff, message);
      retryAfterMs = Math.min(retryAfterMs ?? Infinity, pullWait + 100);
      return;
    }
    try {
      const image = await ensureImage(
        ctx.cri,
        container,
        (r) => pullEvent(container.image ?? '', r),
        await imagePullAuth(ctx, pod, container.image ?? ''),
      );
      ctx.imageBackoff?.succeeded(pullKey);
      const env = await containerEnv(container, {
        pod,
        podIP,
        hostIP: ctx.hostIP,
        sources: ctx.sources,
        nodeAllocatable: ctx.nodeAllocatable,
        serviceEnv: ctx.serviceEnv?.(pod),
      });
      const config = containerConfig({
        pod,
        container,
        kind,
        attempt,
        env,
        mounts: containerMounts(container, volumes, env),
        image,
      });
      ctx.startup?.mark(uid, 'containersCreating');
      const id = await ctx.cri.createContainer(
        sandboxId,
        config,
        sandboxConfig(pod, ctx, sandbox!.metadata?.attempt ?? 0),
      );
      created.push(id);
      event('Normal', KubeletEvent.Created, `Created container ${container.name}`);
      await ctx.cri.startContainer(id);
      event('Normal', KubeletEvent.Started, `Started container ${container.name}`);
      ctx.logger.info('started container', {
        pod: ref,
        container: container.name,
        id: id.slice(0, 12),
        attempt,
      });
      const postStart = container.lifecycle?.postStart;
      if (postStart) {
        // Like upstream, the hook holds the pod's next container back; a failure kills this one.
        const error = await runHook(postStart, { cri: ctx.cri, container, containerId: id, podIP }, 30);
        if (error) {
          event('Warning', KubeletEvent.FailedPostStartHook, error);
          await ctx.cri.stopContainer(id, spec.terminationGracePeriodSeconds ?? 30);
          retryAfterMs = 0;
        }
      }
      if (previous) ctx.backoff.restarted(`${uid}/${container.name}`);
      // Keep the new instance and the one before it (lastState); older ones go.
      for (const old of instancesOf(state.containers, container.name).slice(1))
        await ctx.cri.removeContainer(old.id).catch(() => undefined);
    } catch (err) {
      if (err instanceof ImagePullError) {
        waiting.set(container.name, { reason: err.reason, message: err.message });
        event('Warning', KubeletEvent.FailedToPull, err.message);
        if (err.reason === 'ErrImagePull') ctx.imageBackoff?.failed(pullKey);
      } else if (err instanceof ContainerConfigError)
        waiting.set(container.name, { reason: 'CreateContainerConfigError', message: err.message });
      else waiting.set(container.name, { reason: 'CreateContainerError', message: (err as Error).message });
      event('Warning', KubeletEvent.Failed, `Error: ${waiting.get(container.name)!.reason}`);
      ctx.logger.warn('cannot start container', {
        pod: ref,
        container: container.name,
        error: (err as Error).message,
      });
      retryAfterMs = Math.min(retryAfterMs ?? Infinity, 5000);
    }
  };
  /** Restarts an exited container unless its back-off is still running. */
  const restartOrWait = async (container: Container, kind: 'init' | 'regular', latest: RuntimeContainer) => {
    const key = `${uid}/${container.name}`;
    const remaining = ctx.backoff.remainingMs(key, criMillis(latest.finishedAt));
    if (remaining > 0) {
      const delay = ctx.backoff.currentDelayMs(key) / 1000;
      waiting.set(container.name, {
        reason: 'CrashLoopBackOff',
        message: `back-off ${formatSeconds(delay)} restarting failed container=${container.name} pod=${pod.metadata!.name}_${pod.metadata!.namespace}(${uid})`,
      });
      retryAfterMs = Math.min(retryAfterMs ?? Infinity, remaining + 100);
      event(
        'Warning',
        KubeletEvent.BackOff,
        `Back-off restarting failed container ${container.name} in pod ${pod.metadata!.name}_${pod.metadata!.namespace}(${uid})`,
      );
      return;
    }
    await start(container, kind, latest);
  };
  const policy = spec.restartPolicy ?? 'Always';

  for (const container of spec.initContainers ?? []) {
    const [latest] = instancesOf(inSandbox, container.name);
    if (container.restartPolicy === 'Always') {
      // A sidecar: started in order, then kept running (restarted like a regular container)
      // alongside everything after it; the next one starts once it runs.
      if (!latest) await start(container, 'init', instancesOf(state.containers, container.name)[0]);
      else if (latest.state === 'CONTAINER_EXITED') await restartOrWait(container, 'init', latest);
      else if (latest.state === 'CONTAINER_RUNNING') {
        ctx.probes.ensure(uid, container, latest.id, podIP);
        continue;
      }
      return finish();
    }
    if (!latest) {
      await start(container, 'init', instancesOf(state.containers, container.name)[0]);
      return finish();
    }
    if (latest.state !== 'CONTAINER_EXITED') return finish();
    if (latest.exitCode === 0) continue;
    if (policy !== 'Never') await restartOrWait(container, 'init', latest);
    return finish();
  }

  for (const container of spec.containers) {
    const [latest] = instancesOf(state.containers, container.name);
    const own = latest && latest.podSandboxId === sandboxId ? latest : undefined;
    if (!own) {
      await start(container, 'regular', latest);
      continue;
    }
    if (own.state === 'CONTAINER_RUNNING') {
      const liveness = ctx.probes.result(uid, container.name, 'liveness', own.id);
      const startup = ctx.probes.result(uid, container.name, 'startup', own.id);
      if (liveness === 'failure' || startup === 'failure') {
        // Killed like upstream: with the pod's grace period, then restarted per restartPolicy.
        ctx.probes.stop(uid, container.name);
        const probe = liveness === 'failure' ? 'liveness' : 'startup';
        ctx.logger.info('killing container: probe failed', { pod: ref, container: container.name, probe });
        event(
          'Normal',
          KubeletEvent.Killing,
          `Container ${container.name} failed ${probe} probe, will be restarted`,
        );
        await ctx.cri.stopContainer(own.id, spec.terminationGracePeriodSeconds ?? 30);
        retryAfterMs = 0;
      } else {
        ctx.probes.ensure(uid, container, own.id, podIP);
      }
      continue;
    }
    if (own.state === 'CONTAINER_EXITED') {
      ctx.probes.stop(uid, container.name);
      const restart = policy === 'Always' || (policy === 'OnFailure' && own.exitCode !== 0);
      if (restart) await restartOrWait(container, 'regular', own);
    }
  }
  ctx.startup?.mark(uid, 'containersStarted');
  return finish();

  async function finish(): Promise<SyncResult> {
    state =
      fromScratch && sandbox
        ? {
            uid,
            sandboxes: state.sandboxes,
            containers: await containerStates(
              ctx.cri,
              created.map((id) => ({ id, podSandboxId: sandboxId })),
            ),
          }
        : await podRuntimeState(ctx.cri, uid);
    // A container that exited while this pass ran (one it started whose command failed at once,
    // an init container done in a blink, a running one that crashed meanwhile) is in the
    // fingerprint the kubelet records, so no relist would wake the pod for it: the pass that
    // acts on it (a restart or back-off, the next init container) comes right away instead of
    // at the pod's resync.
    if (state.containers.some((c) => c.state === 'CONTAINER_EXITED' && !exitedBefore.has(c.id)))
      retryAfterMs = 0;
    return result();
  }

  function pullEvent(image: string, r: PullReport): void {
    if (r.step === 'present')
      event('Normal', KubeletEvent.Pulled, `Container image "${image}" already present on machine`);
    else if (r.step === 'pulling') event('Normal', KubeletEvent.Pulling, `Pulling image "${image}"`);
    else
      event(
        'Normal',
        KubeletEvent.Pulled,
        `Successfully pulled image "${image}" in ${(r.ms / 1000).toFixed(3)}s`,
      );
  }
}

/** A sandbox's status in the shape the runtime lists sandboxes in. */
function listedSandbox(status: PodSandboxStatus): PodSandbox {
  const { id, metadata, state, createdAt, labels, annotations, runtimeHandler } = status;
  return { id, metadata, state, createdAt, labels, annotations, runtimeHandler };
}

export interface KillOptions {
  /** The pod, for its containers' preStop hooks and the Killing events. */
  pod?: Pod;
  podIP?: string;
  events?: EventRecorder;
}

/** Upstream's minimumGracePeriodInSeconds: what SIGTERM gets after a slow preStop hook. */
const MIN_GRACE_AFTER_HOOK_SECONDS = 2;

/**
 * Stops the pod's containers with the grace period, then its sandboxes (upstream KillPod). Each
 * container's preStop hook runs first, inside the grace period; SIGTERM follows with what is left.
 */
export async function killPod(
  cri: CriClient,
  uid: string,
  gracePeriodSeconds: number,
  opts: KillOptions = {},
): Promise<void> {
  const state = await podRuntimeState(cri, uid);
  const specs = [...(opts.pod?.spec?.initContainers ?? []), ...(opts.pod?.spec?.containers ?? [])];
  await Promise.all(
    state.containers
      .filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED')
      .map(async (c) => {
        const container = specs.find((s) => s.name === c.metadata?.name);
        let grace = gracePeriodSeconds;
        if (container && opts.pod) {
          opts.events?.event(
            podObject(opts.pod),
            'Normal',
            KubeletEvent.Killing,
            `Stopping container ${container.name}`,
          );
          const preStop = container.lifecycle?.preStop;
          if (preStop && c.state === 'CONTAINER_RUNNING' && grace > 0) {
            const started = Date.now();
            const error = await runHook(
              preStop,
              { cri, container, containerId: c.id, podIP: opts.podIP ?? '' },
              grace,
            );
            if (error)
              opts.events?.event(podObject(opts.pod), 'Warning', KubeletEvent.FailedPreStopHook, error);
            const spent = Math.ceil((Date.now() - started) / 1000);
            grace = Math.max(MIN_GRACE_AFTER_HOOK_SECONDS, grace - spent);
          }
        }
        await cri.stopContainer(c.id, grace).catch(() => undefined);
      }),
  );
  for (const s of state.sandboxes) await cri.stopPodSandbox(s.id);
}

/** Removes what is left of a stopped pod in the runtime. */
export async function removePodRuntime(cri: CriClient, uid: string): Promise<void> {
  const state = await podRuntimeState(cri, uid);
  for (const s of state.sandboxes) {
    await cri.stopPodSandbox(s.id);
    await cri.removePodSandbox(s.id);
  }
}

/**
 * Whether the pod's containers are done and may not run again (upstream computePodActions):
 * a restartPolicy Never pod whose containers ran, or OnFailure with all of them succeeded.
 * Such a pod gets no new sandbox, even before the API shows it Succeeded or Failed.
 */
export function finishedForGood(pod: Pod, containers: RuntimeContainer[]): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return false;
  if (policy === 'Never') return containers.length > 0;
  return pod.spec!.containers.every((c) => {
    const [latest] = instancesOf(containers, c.name);
    return latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0;
  });
}

function formatSeconds(seconds: number): string {
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
}
