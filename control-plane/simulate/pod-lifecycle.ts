// The simulated kubelet's pod lifecycle as a pure function of the pod and the time (kwok's
// "stages"): given what the status says now, what should it say, and when to look again.
//
//   bound, no status yet       -> Pending, containers waiting ContainerCreating (startTime set)
//   after creatingMs           -> init containers run one after another, then the app
//                                 containers run (podIP from the node's range, Ready=True)
//   a container's plan ends    -> terminated (Completed / Error); restarted per restartPolicy
//                                 with CrashLoopBackOff delays (0 s, 10 s, 20 s ... 5 min)
//   every container done       -> Succeeded (all exit 0) or Failed
//
// Times come from the status itself (startTime, startedAt, finishedAt), so a simulator that
// restarts picks up where the last one left off. See container-program.ts for what a command does.
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from '../../api/types/index.ts';
import { rfc3339 } from '../controllers/pod-utils.ts';
import { planContainer, type ContainerPlan } from './container-program.ts';

export interface LifecycleContext {
  now: number;
  hostIP: string;
  /** The pod's IP, allocated on first use (host network pods get the host's). */
  podIP: () => string;
  /** How long containers stay in ContainerCreating. */
  creatingMs: number;
}

export interface Transition {
  /** The status to write (undefined: nothing changed). */
  status?: PodStatus;
  /** When to evaluate the pod again (undefined: only when it changes). */
  wakeAt?: number;
}

const maxBackoffMs = 300_000;
const backoffMs = (restarts: number) =>
  restarts === 0 ? 0 : Math.min(maxBackoffMs, 10_000 * 2 ** (restarts - 1));

const parseTime = (t: string | null | undefined) => (t ? Date.parse(t) : NaN);

const fakeDigest = (s: string) => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0').repeat(8);
};

function waiting(c: Container, reason: string): ContainerStatus {
  return {
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason } },
  };
}

function running(
  c: Container,
  pod: Pod,
  at: number,
  restarts: number,
  last?: ContainerStatus['lastState'],
): ContainerStatus {
  const uid = pod.metadata?.uid ?? '';
  return {
    name: c.name,
    image: c.image ?? '',
    imageID: `${c.image ?? ''}@sha256:${fakeDigest(c.image ?? '')}`,
    containerID: `containerd://${fakeDigest(`${uid}/${c.name}/${restarts}`)}`,
    ready: true,
    started: true,
    restartCount: restarts,
    state: { running: { startedAt: rfc3339(at) } },
    ...(last ? { lastState: last } : {}),
  };
}

function terminated(st: ContainerStatus, code: number, finishedAt: number): ContainerStatus {
  return {
    ...st,
    ready: false,
    started: false,
    state: {
      terminated: {
        exitCode: code,
        reason: code === 0 ? 'Completed' : 'Error',
        startedAt: st.state?.running?.startedAt,
        finishedAt: rfc3339(finishedAt),
        containerID: st.containerID,
      },
    },
  };
}

const shouldRestart = (pod: Pod, code: number) => {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && code !== 0);
};

/** Advance one container as far as `now` allows; returns its status and when it next changes. */
function advance(
  c: Container,
  st: ContainerStatus,
  pod: Pod,
  plan: ContainerPlan,
  now: number,
  restartable: (code: number) => boolean,
): { st: ContainerStatus; wakeAt?: number } {
  for (let guard = 0; guard < 100; guard++) {
    const s = st.state ?? {};
    if (s.waiting && s.waiting.reason !== 'CrashLoopBackOff') {
      st = running(c, pod, now, st.restartCount);
      continue;
    }
    if (s.running) {
      if (plan.forever) return { st };
      const exitAt = parseTime(s.running.startedAt) + plan.runMs;
      if (now < exitAt) return { st, wakeAt: exitAt };
      st = terminated(st, plan.exitCode, exitAt);
      if (restartable(plan.exitCode)) {
        st = {
          ...st,
          lastState: st.state,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${backoffMs(st.restartCount) / 1000}s restarting failed container=${c.name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`,
            },
          },
        };
      }
      continue;
    }
    if (s.waiting) {
      const finished = parseTime(st.lastState?.terminated?.finishedAt);
      const restartAt = (Number.isNaN(finished) ? now : finished) + backoffMs(st.restartCount);
      if (now < restartAt) return { st, wakeAt: restartAt };
      st = running(c, pod, now, st.restartCount + 1, st.lastState);
      continue;
    }
    return { st }; // terminated for good
  }
  return { st };
}

function condition(
  type: string,
  ok: boolean,
  now: number,
  old: PodCondition[] | undefined,
  reason?: string,
  message?: string,
): PodCondition {
  const status = ok ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  const since = prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: since,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** What the kubelet would report next for a pod bound to its node. */
export function nextTransition(pod: Pod, ctx: LifecycleContext): Transition {
  const status = pod.status ?? {};
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return {};
  const now = ctx.now;
  const spec = pod.spec ?? { containers: [] };
  const oldConditions = status.conditions;
  const scheduled =
    oldConditions?.find((c) => c.type === 'PodScheduled') ?? condition('PodScheduled', true, now, undefined);

  if (!status.hostIP || !status.startTime) {
    const initNames = (spec.initContainers ?? []).map((c) => c.name);
    return {
      status: {
        ...status,
        phase: 'Pending',
        hostIP: ctx.hostIP,
        hostIPs: [{ ip: ctx.hostIP }],
        startTime: rfc3339(now),
        conditions: [
          condition('PodReadyToStartContainers', false, now, oldConditions),
          initNames.length > 0
            ? condition(
                'Initialized',
                false,
                now,
                oldConditions,
                'ContainersNotInitialized',
                `containers with incomplete status: [${initNames.join(' ')}]`,
              )
            : condition('Initialized', true, now, oldConditions),
          condition(
            'Ready',
            false,
            now,
            oldConditions,
            'ContainersNotReady',
            `containers with unready status: [${spec.containers.map((c) => c.name).join(' ')}]`,
          ),
          condition(
            'ContainersReady',
            false,
            now,
            oldConditions,
            'ContainersNotReady',
            `containers with unready status: [${spec.containers.map((c) => c.name).join(' ')}]`,
          ),
          scheduled,
        ],
        ...(initNames.length > 0
          ? { initContainerStatuses: (spec.initContainers ?? []).map((c) => waiting(c, 'PodInitializing')) }
          : {}),
        containerStatuses: spec.containers.map((c) =>
          waiting(c, initNames.length > 0 ? 'PodInitializing' : 'ContainerCreating'),
        ),
      },
      wakeAt: now + ctx.creatingMs,
    };
  }
  const startAt = parseTime(status.startTime) + ctx.creatingMs;
  if (now < startAt) return { wakeAt: startAt };

  let wakeAt: number | undefined;
  const soonest = (t: number | undefined) => {
    if (t !== undefined && (wakeAt === undefined || t < wakeAt)) wakeAt = t;
  };
  const podIP = spec.hostNetwork ? ctx.hostIP : ctx.podIP();

  // Init containers, one at a time (sidecars, restartPolicy Always, just keep running).
  const initStatuses: ContainerStatus[] = [];
  let initialized = true;
  let failed = false;
  for (const c of spec.initContainers ?? []) {
    const old = status.initContainerStatuses?.find((s) => s.name === c.name) ?? waiting(c, 'PodInitializing');
    if (!initialized) {
      initStatuses.push(old);
      continue;
    }
    const sidecar = c.restartPolicy === 'Always';
    const plan = planContainer(c, pod);
    // An init container without a command still has to finish: its image's default does.
    const initPlan: ContainerPlan = sidecar
      ? { forever: true }
      : plan.forever
        ? { forever: false, runMs: 0, exitCode: 0 }
        : plan;
    const r = advance(c, old, pod, initPlan, now, (code) =>
      sidecar ? true : code !== 0 && spec.restartPolicy !== 'Never',
    );
    initStatuses.push(r.st);
    soonest(r.wakeAt);
    if (sidecar) continue;
    const t = r.st.state?.terminated;
    if (t && t.exitCode !== 0) failed = true;
    if (!t || t.exitCode !== 0) initialized = false;
  }

  let containerStatuses: ContainerStatus[];
  if (!initialized) {
    containerStatuses = spec.containers.map(
      (c) => status.containerStatuses?.find((s) => s.name === c.name) ?? waiting(c, 'PodInitializing'),
    );
  } else {
    containerStatuses = spec.containers.map((c) => {
      let old = status.containerStatuses?.find((s) => s.name === c.name) ?? waiting(c, 'ContainerCreating');
      if (old.state?.waiting?.reason === 'PodInitializing') old = waiting(c, 'ContainerCreating');
      const r = advance(c, old, pod, planContainer(c, pod), now, (code) => shouldRestart(pod, code));
      soonest(r.wakeAt);
      return r.st;
    });
  }

  const allDone = initialized && containerStatuses.every((s) => s.state?.terminated);
  let phase: PodStatus['phase'] = initialized ? 'Running' : 'Pending';
  if (failed && spec.restartPolicy === 'Never') phase = 'Failed';
  else if (allDone)
    phase = containerStatuses.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  const unready = containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  const gatesOk = (spec.readinessGates ?? []).every(
    (g) => oldConditions?.find((c) => c.type === g.conditionType)?.status === 'True',
  );
  const done = phase === 'Succeeded' || phase === 'Failed';
  const notReadyReason = done ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMsg = done ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const containersReady = unready.length === 0 && !done;
  const keep = (oldConditions ?? []).filter(
    (c) =>
      !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].includes(
        c.type,
      ),
  );
  const next: PodStatus = {
    ...status,
    phase,
    podIP,
    podIPs: [{ ip: podIP }],
    conditions: [
      condition('PodReadyToStartContainers', !done, now, oldConditions),
      initialized
        ? condition('Initialized', true, now, oldConditions)
        : condition(
            'Initialized',
            false,
            now,
            oldConditions,
            'ContainersNotInitialized',
            `containers with incomplete status: [${(spec.initContainers ?? []).map((c) => c.name).join(' ')}]`,
          ),
      containersReady && gatesOk
        ? condition('Ready', true, now, oldConditions)
        : condition(
            'Ready',
            false,
            now,
            oldConditions,
            containersReady ? 'ReadinessGatesNotReady' : notReadyReason,
            notReadyMsg,
          ),
      containersReady
        ? condition('ContainersReady', true, now, oldConditions)
        : condition('ContainersReady', false, now, oldConditions, notReadyReason, notReadyMsg),
      scheduled,
      ...keep,
    ],
    ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses,
  };
  if (done) wakeAt = undefined;
  return { status: JSON.stringify(next) === JSON.stringify(status) ? undefined : next, wakeAt };
}
