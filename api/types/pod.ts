// core/v1 Pod: the spec the scheduler and kubelet act on, and the status the kubelet reports.
import type { ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { LocalObjectReference } from './object-reference.ts';
import type {
  Container,
  EphemeralContainer,
  SELinuxOptions,
  SeccompProfile,
  AppArmorProfile,
  WindowsSecurityContextOptions,
} from './container.ts';
import type { Volume } from './volume.ts';
import type { Affinity, Toleration, TopologySpreadConstraint } from './scheduling.ts';
import type { ResourceList, ResourceRequirements } from './resource-requirements.ts';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
export type DNSPolicy = 'ClusterFirstWithHostNet' | 'ClusterFirst' | 'Default' | 'None';
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';
export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';

export interface Sysctl {
  /** Name of the sysctl, e.g. net.ipv4.ip_local_port_range. */
  name: string;
  /** Value to set. */
  value: string;
}

export interface PodSecurityContext {
  /** SELinux context applied to all containers. */
  seLinuxOptions?: SELinuxOptions;
  /** Windows-specific settings for all containers. */
  windowsOptions?: WindowsSecurityContextOptions;
  /**
   * UID to run the entrypoint of all containers as.
   * @format int64
   */
  runAsUser?: number;
  /**
   * GID to run the entrypoint of all containers as.
   * @format int64
   */
  runAsGroup?: number;
  /** Refuse to start containers whose image would run as root. */
  runAsNonRoot?: boolean;
  /**
   * Groups added to the first process of every container.
   * @format int64
   */
  supplementalGroups?: number[];
  /** Merge or Strict handling of supplementalGroups. */
  supplementalGroupsPolicy?: 'Merge' | 'Strict';
  /**
   * Group that owns (and may write) supported volumes.
   * @format int64
   */
  fsGroup?: number;
  /** Namespaced sysctls set for the pod. */
  sysctls?: Sysctl[];
  /** OnRootMismatch or Always: when to change volume ownership to fsGroup. */
  fsGroupChangePolicy?: 'OnRootMismatch' | 'Always';
  /** Seccomp profile of all containers. */
  seccompProfile?: SeccompProfile;
  /** AppArmor profile of all containers. */
  appArmorProfile?: AppArmorProfile;
  /** How the SELinux label is applied to volumes: Recursive or MountOption. */
  seLinuxChangePolicy?: string;
}

export interface PodDNSConfigOption {
  /** Resolver option name, e.g. ndots. */
  name?: string;
  /** Resolver option value. */
  value?: string;
}

export interface PodDNSConfig {
  /** DNS name server IPs, merged with those of dnsPolicy. */
  nameservers?: string[];
  /** DNS search domains, merged with those of dnsPolicy. */
  searches?: string[];
  /** Resolver options, merged with those of dnsPolicy. */
  options?: PodDNSConfigOption[];
}

export interface HostAlias {
  /** IP address of the host file entry. */
  ip: string;
  /** Host names for the IP. */
  hostnames?: string[];
}

export interface PodReadinessGate {
  /** A condition type in the pod's status that must be True for the pod to be ready. */
  conditionType: string;
}

export interface PodSchedulingGate {
  /** Name of the gate; the pod is not scheduled while any gate remains. */
  name: string;
}

export interface PodOS {
  /** linux or windows. */
  name: 'linux' | 'windows';
}

export interface PodResourceClaim {
  /** Name of the claim inside the pod. */
  name: string;
  /** Name of an existing ResourceClaim. */
  resourceClaimName?: string;
  /** Name of a ResourceClaimTemplate to create a claim from. */
  resourceClaimTemplateName?: string;
}

export interface PodSpec {
  /**
   * Volumes that containers may mount.
   * @patchMergeKey name
   * @patchStrategy merge,retainKeys
   * @listType map
   * @listMapKey name
   */
  volumes?: Volume[];
  /**
   * Containers run to completion, in order, before the app containers start.
   * @patchMergeKey name
   * @patchStrategy merge
   * @listType map
   * @listMapKey name
   */
  initContainers?: Container[];
  /**
   * The app containers; at least one.
   * @patchMergeKey name
   * @patchStrategy merge
   * @listType map
   * @listMapKey name
   */
  containers: Container[];
  /**
   * Debugging containers added at runtime.
   * @patchMergeKey name
   * @patchStrategy merge
   * @listType map
   * @listMapKey name
   */
  ephemeralContainers?: EphemeralContainer[];
  /** Always, OnFailure or Never; defaults to Always. */
  restartPolicy?: RestartPolicy;
  /**
   * Seconds the pod gets to stop gracefully; defaults to 30.
   * @format int64
   */
  terminationGracePeriodSeconds?: number;
  /**
   * Seconds the pod may be active (for jobs) before it is failed.
   * @format int64
   */
  activeDeadlineSeconds?: number;
  /** ClusterFirst, ClusterFirstWithHostNet, Default or None; defaults to ClusterFirst. */
  dnsPolicy?: DNSPolicy;
  /** Node labels the pod requires. */
  nodeSelector?: Record<string, string>;
  /** Service account the pod runs as. */
  serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName. */
  serviceAccount?: string;
  /** Whether a service account token is mounted automatically. */
  automountServiceAccountToken?: boolean;
  /** Node the pod is bound to; set by the scheduler. */
  nodeName?: string;
  /** Use the host's network namespace. */
  hostNetwork?: boolean;
  /** Use the host's PID namespace. */
  hostPID?: boolean;
  /** Use the host's IPC namespace. */
  hostIPC?: boolean;
  /** Share one PID namespace among the pod's containers. */
  shareProcessNamespace?: boolean;
  /** Pod-level security attributes. */
  securityContext?: PodSecurityContext;
  /**
   * Secrets used to pull the images.
   * @patchMergeKey name
   * @patchStrategy merge
   * @listType map
   * @listMapKey name
   */
  imagePullSecrets?: LocalObjectReference[];
  /** Host name of the pod; defaults to the pod name. */
  hostname?: string;
  /** Subdomain: the pod's FQDN is hostname.subdomain.namespace.svc.cluster-domain. */
  subdomain?: string;
  /** Scheduling constraints. */
  affinity?: Affinity;
  /** Scheduler that schedules the pod; defaults to default-scheduler. */
  schedulerName?: string;
  /** Taints the pod tolerates. */
  tolerations?: Toleration[];
  /**
   * Extra /etc/hosts entries.
   * @patchMergeKey ip
   * @patchStrategy merge
   * @listType map
   * @listMapKey ip
   */
  hostAliases?: HostAlias[];
  /** PriorityClass of the pod. */
  priorityClassName?: string;
  /** Priority value, resolved from priorityClassName by admission. */
  priority?: number;
  /** DNS parameters beyond dnsPolicy. */
  dnsConfig?: PodDNSConfig;
  /** Conditions that must be True for the pod to be ready. */
  readinessGates?: PodReadinessGate[];
  /** RuntimeClass to run the pod with. */
  runtimeClassName?: string;
  /** Inject service environment variables; defaults to true. */
  enableServiceLinks?: boolean;
  /** PreemptLowerPriority or Never. */
  preemptionPolicy?: PreemptionPolicy;
  /** Resources of the pod sandbox, from its RuntimeClass. */
  overhead?: ResourceList;
  /**
   * How pods spread across topology domains.
   * @patchMergeKey topologyKey
   * @patchStrategy merge
   * @listType map
   * @listMapKey topologyKey whenUnsatisfiable
   */
  topologySpreadConstraints?: TopologySpreadConstraint[];
  /** Set the hostname to the FQDN. */
  setHostnameAsFQDN?: boolean;
  /** The OS the pod's containers run on. */
  os?: PodOS;
  /** Use the host's user namespace; false creates a new one. */
  hostUsers?: boolean;
  /**
   * Gates that hold the pod back from scheduling.
   * @patchMergeKey name
   * @patchStrategy merge
   * @listType map
   * @listMapKey name
   */
  schedulingGates?: PodSchedulingGate[];
  /**
   * Dynamic resource claims of the pod.
   * @patchMergeKey name
   * @patchStrategy merge,retainKeys
   * @listType map
   * @listMapKey name
   */
  resourceClaims?: PodResourceClaim[];
  /** Pod-level resource requirements. */
  resources?: ResourceRequirements;
}

export type PodConditionType =
  | 'PodScheduled'
  | 'PodReadyToStartContainers'
  | 'Initialized'
  | 'ContainersReady'
  | 'Ready'
  | 'DisruptionTarget'
  | string;

export interface PodCondition {
  /** PodScheduled, Initialized, ContainersReady, Ready, ... */
  type: PodConditionType;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** Last time the condition was probed. */
  lastProbeTime?: Time | null;
  /** Last time the condition changed status. */
  lastTransitionTime?: Time | null;
  /** One-word CamelCase reason for the last transition. */
  reason?: string;
  /** Human-readable details of the last transition. */
  message?: string;
}

export interface ContainerStateWaiting {
  /** Why the container is not running yet, e.g. ContainerCreating, CrashLoopBackOff. */
  reason?: string;
  /** Details. */
  message?: string;
}

export interface ContainerStateRunning {
  /** When the container last (re)started. */
  startedAt?: Time;
}

export interface ContainerStateTerminated {
  /** Exit status of the last termination. */
  exitCode: number;
  /** Signal of the last termination. */
  signal?: number;
  /** Why the container terminated, e.g. Completed, Error, OOMKilled. */
  reason?: string;
  /** Details. */
  message?: string;
  /** When the container started. */
  startedAt?: Time;
  /** When the container finished. */
  finishedAt?: Time;
  /** Container runtime ID of the container. */
  containerID?: string;
}

export interface ContainerState {
  /** The container is waiting to start. */
  waiting?: ContainerStateWaiting;
  /** The container is running. */
  running?: ContainerStateRunning;
  /** The container has terminated. */
  terminated?: ContainerStateTerminated;
}

export interface VolumeMountStatus {
  /** Name of the volume mount. */
  name: string;
  /** Path of the mount. */
  mountPath: string;
  /** Whether the mount is read-only. */
  readOnly?: boolean;
  /** Recursive read-only mode in effect. */
  recursiveReadOnly?: string;
}

export interface ContainerStatus {
  /** Name of the container. */
  name: string;
  /** Current state. */
  state?: ContainerState;
  /** State of the previous run. */
  lastState?: ContainerState;
  /** Whether the readiness probe passes. */
  ready: boolean;
  /** Times the container has restarted. */
  restartCount: number;
  /** Image the container runs. */
  image: string;
  /** Image ID (digest) the container runs. */
  imageID: string;
  /** Runtime ID, `<type>://<id>`. */
  containerID?: string;
  /** Whether the startup probe passed (or the container started without one). */
  started?: boolean;
  /** Resources allocated by the node. */
  allocatedResources?: ResourceList;
  /** Resources actually configured in the runtime. */
  resources?: ResourceRequirements;
  /** Mounts of the container. */
  volumeMounts?: VolumeMountStatus[];
  /** Identity the container runs as. */
  user?: { linux?: { uid: number; gid: number; supplementalGroups?: number[] } };
  /** Health of allocated resources. */
  allocatedResourcesStatus?: { name: string; resources?: { resourceID: string; health?: string }[] }[];
}

export interface PodIP {
  /** An IP address of the pod. */
  ip: string;
}

export interface HostIP {
  /** An IP address of the host. */
  ip: string;
}

export interface PodStatus {
  /** Pending, Running, Succeeded, Failed or Unknown. */
  phase?: PodPhase;
  /**
   * Current service state of the pod.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: PodCondition[];
  /** Human-readable reason the pod is in this condition. */
  message?: string;
  /** Brief CamelCase reason, e.g. Evicted. */
  reason?: string;
  /** Node the scheduler plans to run the pod on after preemption. */
  nominatedNodeName?: string;
  /** Primary IP of the node. */
  hostIP?: string;
  /**
   * IPs of the node.
   * @patchMergeKey ip
   * @patchStrategy merge
   * @listType map
   * @listMapKey ip
   */
  hostIPs?: HostIP[];
  /** Primary IP of the pod. */
  podIP?: string;
  /**
   * IPs of the pod (one per family).
   * @patchMergeKey ip
   * @patchStrategy merge
   * @listType map
   * @listMapKey ip
   */
  podIPs?: PodIP[];
  /** When the kubelet acknowledged the pod. */
  startTime?: Time;
  /** Status of the init containers. */
  initContainerStatuses?: ContainerStatus[];
  /** Status of the app containers. */
  containerStatuses?: ContainerStatus[];
  /** Guaranteed, Burstable or BestEffort. */
  qosClass?: PodQOSClass;
  /** Status of the ephemeral containers. */
  ephemeralContainerStatuses?: ContainerStatus[];
  /** State of an in-place resize: Proposed, InProgress, Deferred, Infeasible. */
  resize?: string;
  /** Names of the ResourceClaims generated for the pod. */
  resourceClaimStatuses?: { name: string; resourceClaimName?: string }[];
}

/** Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts. */
export interface Pod extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour of the pod. */
  spec?: PodSpec;
  /** Most recently observed status; written by the kubelet. */
  status?: PodStatus;
}

export interface PodTemplateSpec {
  /** Metadata of the pods created from this template. */
  metadata?: ObjectMeta;
  /** Spec of the pods created from this template. */
  spec?: PodSpec;
}
