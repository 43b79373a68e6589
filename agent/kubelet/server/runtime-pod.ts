// Finds what the runtime runs for a pod named in a kubelet API path, by the labels the
// kubelet put on its sandboxes and containers: the newest sandbox with that namespace/name is
// the pod (a pod deleted and created again under the same name has a newer sandbox).
import type { CriClient, PodSandbox } from '../cri/index.ts';
import { POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL } from '../labels.ts';
import { podRuntimeState, type RuntimeContainer } from '../runtime-state.ts';
import { KubeletError } from './status.ts';

const newestFirst = (a: { createdAt: string }, b: { createdAt: string }) =>
  BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : BigInt(b.createdAt) < BigInt(a.createdAt) ? -1 : 0;

export async function podSandbox(cri: CriClient, namespace: string, name: string): Promise<PodSandbox> {
  const sandboxes = await cri.listPodSandbox({
    labelSelector: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: name },
  });
  const ready = sandboxes.filter((s) => s.state === 'SANDBOX_READY').sort(newestFirst);
  const any = [...sandboxes].sort(newestFirst);
  const sandbox = ready[0] ?? any[0];
  if (!sandbox)
    throw new KubeletError(404, `pod "${name}" in namespace "${namespace}" not found on this node`);
  return sandbox;
}

/** The instances of one container of the pod, newest first (the current one, then the previous...). */
export async function containerInstances(
  cri: CriClient,
  namespace: string,
  name: string,
  container: string,
): Promise<RuntimeContainer[]> {
  const sandbox = await podSandbox(cri, namespace, name);
  const state = await podRuntimeState(cri, sandbox.labels[POD_UID_LABEL] ?? '');
  return state.containers.filter((c) => c.metadata?.name === container);
}

/** The running instance of a container, for exec and attach. */
export async function runningContainer(
  cri: CriClient,
  namespace: string,
  name: string,
  container: string,
): Promise<RuntimeContainer> {
  const current = (await containerInstances(cri, namespace, name, container))[0];
  if (!current) throw new KubeletError(404, `container "${container}" not found in pod "${name}"`);
  if (current.state !== 'CONTAINER_RUNNING') {
    throw new KubeletError(400, `container "${container}" in pod "${name}" is not running`);
  }
  return current;
}
