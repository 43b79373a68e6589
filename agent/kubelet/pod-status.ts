// The pod status the kubelet reports (upstream kubelet_pods.go generateAPIPodStatus and
// getPhase), computed from the runtime's containers, the probe results and the reasons the
// worker recorded for containers it could not (re)start.
import type { Container } from '../../api/types/container.ts';
import type { ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../api/types/pod.ts';
import { RUNTIME_SCHEME } from './labels.ts';
import type { ProbeManager } from './probes.ts';
import { criTime, type RuntimeContainer } from './runtime-state.ts';

export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  hostIP: string;
  podIP: string;
  sandboxReady: boolean;
  /** Every container instance of the pod, newest first. */
  containers: RuntimeContainer[];
  /** Why a container is waiting, when the worker knows better than the runtime. */
  waiting: Map<string, Waiting>;
  probes: ProbeManager;
  startTime: string;
}

export function instancesOf(containers: RuntimeContainer[], name: string): RuntimeContainer[] {
  return containers.filter((c) => c.metadata?.name === name);
}

function terminated(c: RuntimeContainer): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
      message: c.message || undefined,
      startedAt: criTime(c.startedAt),
      finishedAt: criTime(c.finishedAt),
      containerID: RUNTIME_SCHEME + c.id,
    },
  };
}

/** Sidecars (init containers with restartPolicy Always) count as initialized once running. */
export function isSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

function initDone(spec: Container, status: ContainerStatus): boolean {
  return isSidecar(spec) ? !!status.state?.running : status.state?.terminated?.exitCode === 0;
}

function containerStatus(spec: Container, input: StatusInput, init: boolean): ContainerStatus {
  const runsToCompletion = init && !isSidecar(spec);
  const [latest, previous] = instancesOf(input.containers, spec.name);
  const waiting = input.waiting.get(spec.name);
  const uid = input.pod.metadata!.uid!;
  const status: ContainerStatus = {
    name: spec.name,
    image: spec.image!,
    imageID: latest?.imageRef ?? '',
    ready: false,
    restartCount: latest?.metadata?.attempt ?? 0,
    started: false,
    state: { waiting: { reason: waiting?.reason ?? 'ContainerCreating', message: waiting?.message } },
    lastState: {},
  };
  if (!latest) return status;
  status.containerID = RUNTIME_SCHEME + latest.id;
  if (latest.state === 'CONTAINER_RUNNING') {
    const startup = spec.startupProbe ? input.probes.result(uid, spec.name, 'startup', latest.id) : 'success';
    const readiness = spec.readinessProbe
      ? input.probes.result(uid, spec.name, 'readiness', latest.id)
      : 'success';
    status.state = { running: { startedAt: criTime(latest.startedAt) } };
    status.started = startup === 'success';
    status.ready = !runsToCompletion && status.started && readiness === 'success';
    if (previous?.state === 'CONTAINER_EXITED') status.lastState = terminated(previous);
  } else if (latest.state === 'CONTAINER_EXITED') {
    if (waiting) {
      // Waiting to restart: the exited instance becomes the last state.
      status.state = { waiting: { reason: waiting.reason, message: waiting.message } };
      status.lastState = terminated(latest);
    } else {
      status.state = terminated(latest);
      if (previous?.state === 'CONTAINER_EXITED') status.lastState = terminated(previous);
    }
    if (runsToCompletion && latest.exitCode === 0) status.ready = true;
  }
  if (status.state?.waiting && !status.state.waiting.message) delete status.state.waiting.message;
  return status;
}

export function podPhase(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[]): PodStatus['phase'] {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const initFailed = init.some(
    (s) => s.state?.terminated && s.state.terminated.exitCode !== 0 && policy === 'Never',
  );
  if (initFailed) return 'Failed';
  const initSpecs = pod.spec?.initContainers ?? [];
  if (init.some((s, i) => !initDone(initSpecs[i] ?? { name: s.name }, s))) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of regular) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting && s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}

export function computePodStatus(input: StatusInput): PodStatus {
  const spec = input.pod.spec!;
  const init = (spec.initContainers ?? []).map((c) => containerStatus(c, input, true));
  const regular = spec.containers.map((c) => containerStatus(c, input, false));
  const phase = podPhase(input.pod, init, regular);
  const initialized = init.every((s, i) => initDone(spec.initContainers![i]!, s));
  const containersReady = regular.every((s) => s.ready);
  const gates = (spec.readinessGates ?? []).every(
    (g) => input.pod.status?.conditions?.find((c) => c.type === g.conditionType)?.status === 'True',
  );
  const previous = input.pod.status?.conditions ?? [];
  const condition = (type: string, ok: boolean, reason?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const before = previous.find((c) => c.type === type);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const c: PodCondition = {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: before?.status === status ? (before.lastTransitionTime ?? now) : now,
    };
    if (!ok && reason) c.reason = reason;
    return c;
  };
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const conditions = [
    condition('PodReadyToStartContainers', input.sandboxReady && !terminal),
    condition('Initialized', initialized, 'ContainersNotInitialized'),
    condition(
      'Ready',
      containersReady && gates && !terminal,
      terminal ? 'PodCompleted' : 'ContainersNotReady',
    ),
    condition(
      'ContainersReady',
      containersReady && !terminal,
      terminal ? 'PodCompleted' : 'ContainersNotReady',
    ),
    previous.find((c) => c.type === 'PodScheduled') ?? condition('PodScheduled', true),
    // Conditions others own (readiness gates, DisruptionTarget) are kept as they are.
    ...previous.filter(
      (c) =>
        !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].includes(
          c.type,
        ),
    ),
  ];
  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: input.pod.status?.startTime ?? input.startTime,
    containerStatuses: regular,
  };
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (init.length > 0) status.initContainerStatuses = init;
  if (input.pod.status?.qosClass) status.qosClass = input.pod.status.qosClass;
  return status;
}
