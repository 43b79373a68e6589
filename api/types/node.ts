// core/v1 Node: a worker machine, its taints, capacity and health.
import type { ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { ResourceList } from './resource-requirements.ts';
import type { TaintEffect } from './scheduling.ts';

export interface Taint {
  /** Taint key. */
  key: string;
  /** Taint value. */
  value?: string;
  /** NoSchedule, PreferNoSchedule or NoExecute. */
  effect: TaintEffect;
  /** When a NoExecute taint was added. */
  timeAdded?: Time;
}

export interface NodeConfigSource {
  /** A ConfigMap holding kubelet configuration. */
  configMap?: {
    namespace: string;
    name: string;
    uid?: string;
    resourceVersion?: string;
    kubeletConfigKey: string;
  };
}

export interface NodeSpec {
  /** IP range assigned to the node's pods. */
  podCIDR?: string;
  /**
   * IP ranges assigned to the node's pods, one per family.
   * @patchStrategy merge
   * @listType set
   */
  podCIDRs?: string[];
  /** Provider-specific node ID. */
  providerID?: string;
  /** Whether new pods may be scheduled onto the node (kubectl cordon). */
  unschedulable?: boolean;
  /** Taints of the node. */
  taints?: Taint[];
  /** Deprecated dynamic kubelet config source. */
  configSource?: NodeConfigSource;
  /** Deprecated. */
  externalID?: string;
}

export type NodeConditionType =
  'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable' | string;

export interface NodeCondition {
  /** Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable. */
  type: NodeConditionType;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** Last time the condition was reported. */
  lastHeartbeatTime?: Time;
  /** Last time the condition changed status. */
  lastTransitionTime?: Time;
  /** CamelCase reason for the last transition. */
  reason?: string;
  /** Human-readable details. */
  message?: string;
}

export interface NodeAddress {
  /** Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS. */
  type: 'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS';
  /** The address. */
  address: string;
}

export interface NodeSystemInfo {
  /** Machine ID reported by the node. */
  machineID: string;
  /** System UUID reported by the node. */
  systemUUID: string;
  /** Boot ID reported by the node. */
  bootID: string;
  /** Kernel version (uname -r). */
  kernelVersion: string;
  /** OS image (/etc/os-release PRETTY_NAME). */
  osImage: string;
  /** Container runtime and version, e.g. containerd://1.7.24. */
  containerRuntimeVersion: string;
  /** Kubelet version. */
  kubeletVersion: string;
  /** Deprecated kube-proxy version. */
  kubeProxyVersion: string;
  /** linux or windows. */
  operatingSystem: string;
  /** amd64, arm64, ... */
  architecture: string;
}

export interface ContainerImage {
  /** Names (tags and digests) of the image. */
  names?: string[];
  /** Size of the image in bytes. */
  sizeBytes?: number;
}

export interface AttachedVolume {
  /** Name of the attached volume. */
  name: string;
  /** Device path where it should be available. */
  devicePath: string;
}

export interface NodeStatus {
  /** Total resources of the node. */
  capacity?: ResourceList;
  /** Resources available for scheduling; defaults to capacity. */
  allocatable?: ResourceList;
  /** Deprecated: always empty. */
  phase?: string;
  /**
   * Current observed conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: NodeCondition[];
  /**
   * Addresses reachable to the node.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  addresses?: NodeAddress[];
  /** Endpoints of daemons on the node. */
  daemonEndpoints?: { kubeletEndpoint?: { Port: number } };
  /** Identifying information about the node. */
  nodeInfo?: NodeSystemInfo;
  /** Images present on the node. */
  images?: ContainerImage[];
  /** Volumes in use (mounted) on the node. */
  volumesInUse?: string[];
  /** Volumes attached to the node. */
  volumesAttached?: AttachedVolume[];
  /** Status of the node's config. */
  config?: Record<string, unknown>;
  /** Runtime handlers available on the node. */
  runtimeHandlers?: {
    name?: string;
    features?: { recursiveReadOnlyMounts?: boolean; userNamespaces?: boolean };
  }[];
  /** Features the node supports. */
  features?: { supplementalGroupsPolicy?: boolean };
}

/** Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd). */
export interface Node extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Behaviour of the node. */
  spec?: NodeSpec;
  /** Most recently observed status; written by the kubelet. */
  status?: NodeStatus;
}
