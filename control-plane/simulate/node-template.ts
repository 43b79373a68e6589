// The Node object a simulated node registers: capacity, a Ready condition, addresses, a
// nodeInfo that says what it is, and the labels real nodes carry (hostname, os, arch, and a
// zone, spread round-robin over a few zones so topology spreading has something to spread over).
import type { Node, NodeCondition } from '../../api/types/index.ts';

export const kubeletVersion = 'v1.32.0-flotilla-sim';
export const simulatedLabel = { key: 'type', value: 'simulated' };
export const defaultZones = ['zone-a', 'zone-b', 'zone-c'];

export interface NodeShape {
  cpu: string;
  memory: string;
  pods: number;
  /** Zones handed out round-robin by node index. */
  zones: readonly string[];
  /** Extra labels for every node. */
  labels?: Record<string, string>;
}

/** 32 hex digits derived from the name, shaped like /etc/machine-id. */
function machineId(name: string): string {
  let out = '';
  for (let round = 0; out.length < 32; round++) {
    let h = 2166136261 ^ round;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, 32);
}

/** `sim-1`, `sim-2`, ... (1-based). */
export const nodeName = (prefix: string, index: number) => `${prefix}${index}`;

/** A stable, fake address for the node (172.18.0.0/15 holds 130k nodes). */
export function nodeAddress(index: number): string {
  const n = index + 1; // skip .0
  return `172.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

export function readyConditions(nowIso: string): NodeCondition[] {
  const ok = (type: string, reason: string, message: string): NodeCondition => ({
    type: type as NodeCondition['type'],
    status: 'False',
    lastHeartbeatTime: nowIso,
    lastTransitionTime: nowIso,
    reason,
    message,
  });
  return [
    ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    {
      type: 'Ready',
      status: 'True',
      lastHeartbeatTime: nowIso,
      lastTransitionTime: nowIso,
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
    },
  ];
}

export function simulatedNode(name: string, index: number, shape: NodeShape, nowIso: string): Node {
  const zone = shape.zones[index % shape.zones.length] ?? 'zone-a';
  const capacity = {
    cpu: shape.cpu,
    memory: shape.memory,
    pods: String(shape.pods),
    'ephemeral-storage': '100Gi',
  };
  const id = machineId(name);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...shape.labels,
        [simulatedLabel.key]: simulatedLabel.value,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': zone,
        'topology.kubernetes.io/region': 'simulated',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: readyConditions(nowIso),
      addresses: [
        { type: 'InternalIP', address: nodeAddress(index) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id,
        systemUUID: id,
        bootID: id,
        kernelVersion: '6.1.0-flotilla-sim',
        osImage: 'Flotilla simulated node',
        containerRuntimeVersion: 'fake://flotilla-sim',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
