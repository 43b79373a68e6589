// Runs pods straight through CRI, the way the kubelet will: sandbox, then containers.
import { join } from 'node:path';
import { CriClient, type PodSandboxConfig } from '../../agent/kubelet/cri/index.ts';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';

export interface RunningPod {
  name: string;
  sandboxId: string;
  containerId: string;
  ip: string;
  sandboxConfig: PodSandboxConfig;
  logFile: string;
}

export interface PodSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
}

export async function runPod(cri: CriClient, node: NetnsNode, spec: PodSpec): Promise<RunningPod> {
  const uid = `${spec.name}-uid`;
  const logDirectory = join(node.nodeDir, 'pods', `default_${spec.name}_${uid}`);
  const sandboxConfig: PodSandboxConfig = {
    metadata: { name: spec.name, uid, namespace: 'default' },
    hostname: spec.name,
    logDirectory,
    linux: { cgroupParent: `${node.cgroupParent}/pod${uid}` },
  };
  const sandboxId = await cri.runPodSandbox(sandboxConfig);
  const containerId = await cri.createContainer(
    sandboxId,
    {
      metadata: { name: 'main' },
      image: { image: spec.image },
      command: spec.command,
      args: spec.args,
      logPath: 'main/0.log',
    },
    sandboxConfig,
  );
  await cri.startContainer(containerId);
  const status = await cri.podSandboxStatus(sandboxId);
  return {
    name: spec.name,
    sandboxId,
    containerId,
    ip: status.status?.network?.ip ?? '',
    sandboxConfig,
    logFile: join(logDirectory, 'main/0.log'),
  };
}

/** StopPodSandbox then RemovePodSandbox, as the kubelet does; both are idempotent. */
export async function removePod(cri: CriClient, pod: { sandboxId: string }): Promise<void> {
  await cri.stopPodSandbox(pod.sandboxId);
  await cri.removePodSandbox(pod.sandboxId);
}

/** Polls until check returns a value (not undefined/false) or the timeout passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
