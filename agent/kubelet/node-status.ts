// Node registration and status heartbeats (upstream kubelet_node_status.go): create the Node
// if it is missing, then keep its capacity, addresses, nodeInfo and conditions current. The
// status is written when it changes, and at least every `reportEverySeconds` to refresh the
// conditions' heartbeat times (the Lease is the frequent liveness signal).
import { readFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import { isAlreadyExists, type Client, type Logger } from '../../api/client/index.ts';
import type { KubeObject } from '../../api/client/index.ts';
import type { Node, NodeCondition, NodeStatus } from '../../api/types/node.ts';
import type { CriClient } from './cri/index.ts';
import { checkDiskPressure, containerdRoot } from './disk-pressure.ts';
import { KubeletEvent, kubeletEventRecorder, nodeObject } from './events.ts';

export const KUBELET_VERSION = 'v1.32.0-flotilla';
export const MAX_PODS = 110;

export interface NodeStatusOptions {
  client: Client;
  cri: CriClient;
  nodeName: string;
  nodeIP: string;
  logger: Logger;
  reportEverySeconds?: number;
  /** Where the kubelet API listens (status.daemonEndpoints); default 10250. */
  kubeletPort?: number;
  /** Told when the Ready condition changes (the kubelet's NodeReady/NodeNotReady events). */
  onReadyChange?: (ready: boolean) => void;
  /** The agent's data dir (nodefs) watched for DiskPressure with containerd's root (imagefs). */
  dataDir?: string;
}

/** Whether the node's disks are (nearly) full, and why. */
export interface DiskState {
  pressure: boolean;
  reasons: string[];
}

export async function registerNode(opts: NodeStatusOptions): Promise<Node> {
  const nodes = opts.client.resource<Node & KubeObject>('v1', 'Node');
  const node: Node & KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: opts.nodeName,
      labels: {
        'kubernetes.io/hostname': opts.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': goArch(),
      },
    },
  };
  try {
    await nodes.create(node);
    opts.logger.info('registered node', { node: opts.nodeName });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  return nodes.get(opts.nodeName);
}

/** What the kubelet reports about this machine and runtime, without conditions. */
export async function machineStatus(opts: NodeStatusOptions): Promise<NodeStatus> {
  const version = await opts.cri.version();
  const memKi = `${Math.floor(totalmem() / 1024)}Ki`;
  const capacity = { cpu: String(cpus().length), memory: memKi, pods: String(MAX_PODS) };
  return {
    capacity,
    allocatable: { ...capacity },
    addresses: [
      { type: 'InternalIP', address: opts.nodeIP },
      { type: 'Hostname', address: opts.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort || 10250 } },
    nodeInfo: {
      machineID: readId('/etc/machine-id'),
      systemUUID: readId('/sys/class/dmi/id/product_uuid'),
      bootID: readId('/proc/sys/kernel/random/boot_id'),
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: `${version.runtimeName}://${version.runtimeVersion}`,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: goArch(),
    },
  };
}

/** Ready follows the runtime's own conditions (RuntimeReady, NetworkReady: a CNI config). */
export async function nodeConditions(
  cri: CriClient,
  previous: NodeCondition[] = [],
  disk?: DiskState,
): Promise<NodeCondition[]> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let problems: string[];
  try {
    const status = await cri.status();
    problems = (status.status?.conditions ?? [])
      .filter((c) => !c.status)
      .map((c) => `${c.type}=false reason:${c.reason} message:${c.message}`);
  } catch (err) {
    problems = [`container runtime is down: ${(err as Error).message}`];
  }
  const wanted: Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>[] = [
    problems.length === 0
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          message: `container runtime network not ready: ${problems.join('; ')}`,
        },
    pressure('MemoryPressure'),
    disk?.pressure
      ? {
          type: 'DiskPressure',
          status: 'True',
          reason: 'KubeletHasDiskPressure',
          message: `kubelet has disk pressure: ${disk.reasons.join('; ')}`,
        }
      : pressure('DiskPressure'),
    pressure('PIDPressure'),
  ];
  return wanted.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    const transitioned = !before || before.status !== c.status;
    return {
      ...c,
      lastHeartbeatTime: now,
      lastTransitionTime: transitioned ? now : (before.lastTransitionTime ?? now),
    };
  });
}

const PRESSURE: Record<string, { reason: string; message: string }> = {
  MemoryPressure: {
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
  },
  DiskPressure: { reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  PIDPressure: { reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
};

// Memory and PID eviction thresholds are not implemented yet: no such pressure is reported.
function pressure(type: string): Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'> {
  return { type, status: 'False', ...PRESSURE[type]! };
}

/** Writes the node status now and then; returns when the signal aborts. */
export async function runNodeStatusLoop(opts: NodeStatusOptions, signal: AbortSignal): Promise<void> {
  const nodes = opts.client.resource<Node & KubeObject>('v1', 'Node');
  const every = (opts.reportEverySeconds ?? 60) * 1000;
  let lastWritten = '';
  let lastWriteAt = 0;
  let conditions: NodeCondition[] = [];
  let imagefs: string | undefined;
  let hadDiskPressure = false;
  let wasEverReady = false;
  const events = kubeletEventRecorder(opts.client, opts.nodeName, opts.logger);
  while (!signal.aborted) {
    try {
      const machine = await machineStatus(opts);
      const wasReady = readyStatus(conditions);
      imagefs ??= await containerdRoot(opts.cri);
      const disk = await checkDiskPressure([
        ...(opts.dataDir ? [{ path: opts.dataDir, kind: 'nodefs' as const }] : []),
        { path: imagefs, kind: 'imagefs' },
      ]);
      conditions = await nodeConditions(opts.cri, conditions, disk);
      const ready = readyStatus(conditions);
      if (ready !== wasReady) opts.onReadyChange?.(ready === 'True');
      wasEverReady ||= ready === 'True';
      if (disk.pressure !== hadDiskPressure) {
        hadDiskPressure = disk.pressure;
        const reason = disk.pressure ? KubeletEvent.NodeHasDiskPressure : KubeletEvent.NodeHasNoDiskPressure;
        events.event(
          nodeObject(opts.nodeName),
          disk.pressure ? 'Warning' : 'Normal',
          reason,
          `Node ${opts.nodeName} status is now: ${reason}${disk.pressure ? ` (${disk.reasons.join('; ')})` : ''}`,
        );
        if (disk.pressure)
          opts.logger.warn('disk pressure', { node: opts.nodeName, reasons: disk.reasons.join('; ') });
      }
      // Heartbeat times change on every pass, so compare without them.
      const fingerprint = JSON.stringify({
        machine,
        conditions: conditions.map(({ lastHeartbeatTime: _h, ...c }) => c),
      });
      if (fingerprint !== lastWritten || Date.now() - lastWriteAt >= every) {
        await nodes.patch(
          opts.nodeName,
          'merge',
          { status: { ...machine, conditions } },
          { subresource: 'status' },
        );
        lastWritten = fingerprint;
        lastWriteAt = Date.now();
      }
    } catch (err) {
      opts.logger.warn('updating node status failed', { node: opts.nodeName, error: String(err) });
    }
    // Until the node is first Ready (the runtime is waiting for the pod network config), look
    // often: `cluster create` waits for that Ready, and a 2 s period added up to 2 s to it.
    await sleep(wasEverReady ? 2000 : BRING_UP_POLL_MS, signal);
  }
}

/** How often the agent looks while it waits to come up (podCIDR, runtime network ready). */
export const BRING_UP_POLL_MS = 250;

const readyStatus = (conditions: NodeCondition[]) => conditions.find((c) => c.type === 'Ready')?.status;

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function readId(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().replaceAll('-', '');
  } catch {
    return '';
  }
}

function osImage(): string {
  try {
    const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (match) return match[1]!;
  } catch {
    // fall through
  }
  return 'Linux';
}

function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}
