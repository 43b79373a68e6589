// What the runtime is running for each pod, read back from CRI and grouped by the pod UID
// label (upstream's kubecontainer.Pod from GetPods). This is the agent's only memory of its
// containers: after a restart it finds the same sandboxes and containers and keeps them.
import type { ContainerStatus, CriClient, PodSandbox } from './cri/index.ts';
import { isNotFound } from './cri/index.ts';
import { MANAGED_LABEL, POD_UID_LABEL } from './labels.ts';

export interface PodRuntimeState {
  uid: string;
  /** Newest first. */
  sandboxes: PodSandbox[];
  /** Every container of the pod's sandboxes, newest first. */
  containers: RuntimeContainer[];
}

export interface RuntimeContainer extends ContainerStatus {
  podSandboxId: string;
}

const MANAGED = { [MANAGED_LABEL]: 'true' };

/** One cheap listing of all managed sandboxes and containers, as a fingerprint per pod UID. */
export async function relistFingerprints(cri: CriClient): Promise<Map<string, string>> {
  const [sandboxes, containers] = await Promise.all([
    cri.listPodSandbox({ labelSelector: MANAGED }),
    cri.listContainers({ labelSelector: MANAGED }),
  ]);
  const byUid = new Map<string, { sandboxes: RuntimeObject[]; containers: RuntimeObject[] }>();
  const of = (uid: string) => {
    let pod = byUid.get(uid);
    if (!pod) byUid.set(uid, (pod = { sandboxes: [], containers: [] }));
    return pod;
  };
  for (const s of sandboxes) if (s.labels[POD_UID_LABEL]) of(s.labels[POD_UID_LABEL]).sandboxes.push(s);
  for (const c of containers) if (c.labels[POD_UID_LABEL]) of(c.labels[POD_UID_LABEL]).containers.push(c);
  return new Map([...byUid].map(([uid, pod]) => [uid, podFingerprint(pod)]));
}

interface RuntimeObject {
  id: string;
  state: string;
}

/**
 * The relist's fingerprint of one pod's state as a sync read it: the kubelet records it after
 * each sync, so the next relist wakes the pod only for changes the sync did not already see
 * (its own sandbox and container starts are not news).
 */
export function podFingerprint(state: { sandboxes: RuntimeObject[]; containers: RuntimeObject[] }): string {
  return [
    ...state.sandboxes.map((s) => `${s.id}:${s.state}`),
    ...state.containers.map((c) => `${c.id}:${c.state}`),
  ]
    .sort()
    .join(',');
}

export async function podRuntimeState(cri: CriClient, uid: string): Promise<PodRuntimeState> {
  const selector = { labelSelector: { [POD_UID_LABEL]: uid } };
  const [sandboxes, listed] = await Promise.all([cri.listPodSandbox(selector), cri.listContainers(selector)]);
  return { uid, sandboxes: [...sandboxes].sort(newest), containers: await containerStates(cri, listed) };
}

/** The current state of these containers, newest first; one removed meanwhile is left out. */
export async function containerStates(
  cri: CriClient,
  containers: readonly { id: string; podSandboxId: string }[],
): Promise<RuntimeContainer[]> {
  const out: RuntimeContainer[] = [];
  for (const c of containers) {
    try {
      const status = (await cri.containerStatus(c.id)).status;
      if (status) out.push({ ...status, podSandboxId: c.podSandboxId });
    } catch (err) {
      if (!isNotFound(err)) throw err; // removed meanwhile
    }
  }
  return out.sort(newest);
}

/** Newest first by the runtime's nanosecond creation time (a string: beyond a double's precision). */
function newest(a: { createdAt: string }, b: { createdAt: string }): number {
  const d = BigInt(b.createdAt) - BigInt(a.createdAt);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** Every pod UID the runtime holds something for. */
export async function runtimePodUids(cri: CriClient): Promise<Set<string>> {
  return new Set((await relistFingerprints(cri)).keys());
}

/** Nanoseconds since the epoch (as CRI reports) to an RFC 3339 time with seconds. */
export function criTime(ns: string): string | undefined {
  if (!ns || ns === '0') return undefined;
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function criMillis(ns: string): number {
  return !ns || ns === '0' ? 0 : Number(BigInt(ns) / 1_000_000n);
}
