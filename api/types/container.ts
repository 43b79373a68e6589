// core/v1 Container and what it is made of: ports, environment, probes, lifecycle hooks,
// mounts and the container security context.
import type { IntOrString } from '../intstr.ts';
import type { ResourceRequirements, QuantityString } from './resource-requirements.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type PullPolicy = 'Always' | 'Never' | 'IfNotPresent';
export type TerminationMessagePolicy = 'File' | 'FallbackToLogsOnError';
export type URIScheme = 'HTTP' | 'HTTPS';
export type MountPropagationMode = 'None' | 'HostToContainer' | 'Bidirectional';
export type ContainerRestartPolicy = 'Always';

export interface ContainerPort {
  /** IANA_SVC_NAME for the port, unique within the pod; services may refer to it. */
  name?: string;
  /** Port number on the host; most containers do not need one. */
  hostPort?: number;
  /** Port number on the pod's IP address (1-65535). */
  containerPort: number;
  /** TCP, UDP or SCTP; defaults to TCP. */
  protocol?: Protocol;
  /** Host IP to bind the host port to. */
  hostIP?: string;
}

export interface ObjectFieldSelector {
  /** Version of the schema fieldPath is written in; defaults to `v1`. */
  apiVersion?: string;
  /** Path of the field to select, e.g. `metadata.name`, `status.podIP`. */
  fieldPath: string;
}

export interface ResourceFieldSelector {
  /** Container name; required for volumes, optional for env vars. */
  containerName?: string;
  /** Resource to select, e.g. `limits.cpu`, `requests.memory`. */
  resource: string;
  /** Output format of the exposed resource; defaults to 1. */
  divisor?: QuantityString;
}

export interface ConfigMapKeySelector {
  /** Name of the ConfigMap. */
  name?: string;
  /** The key to select. */
  key: string;
  /** Whether the ConfigMap or its key may be missing. */
  optional?: boolean;
}

export interface SecretKeySelector {
  /** Name of the Secret. */
  name?: string;
  /** The key of the secret to select. */
  key: string;
  /** Whether the Secret or its key may be missing. */
  optional?: boolean;
}

export interface EnvVarSource {
  /** A field of the pod: metadata.name, metadata.namespace, metadata.labels['k'], spec.nodeName, status.podIP, ... */
  fieldRef?: ObjectFieldSelector;
  /** A resource of the container: limits.cpu, requests.memory, ... */
  resourceFieldRef?: ResourceFieldSelector;
  /** A key of a ConfigMap in the pod's namespace. */
  configMapKeyRef?: ConfigMapKeySelector;
  /** A key of a Secret in the pod's namespace. */
  secretKeyRef?: SecretKeySelector;
}

export interface EnvVar {
  /** Name of the environment variable. */
  name: string;
  /** Value; `$(VAR)` references to earlier variables are expanded. */
  value?: string;
  /** Source of the value; cannot be used when value is not empty. */
  valueFrom?: EnvVarSource;
}

export interface ConfigMapEnvSource {
  /** Name of the ConfigMap. */
  name?: string;
  /** Whether the ConfigMap may be missing. */
  optional?: boolean;
}

export interface SecretEnvSource {
  /** Name of the Secret. */
  name?: string;
  /** Whether the Secret may be missing. */
  optional?: boolean;
}

export interface EnvFromSource {
  /** Prefix prepended to every key. */
  prefix?: string;
  /** The ConfigMap to take variables from. */
  configMapRef?: ConfigMapEnvSource;
  /** The Secret to take variables from. */
  secretRef?: SecretEnvSource;
}

export interface VolumeMount {
  /** Name of a volume of the pod. */
  name: string;
  /** Mounted read-only when true. */
  readOnly?: boolean;
  /** Recursive read-only mode: Disabled, IfPossible or Enabled. */
  recursiveReadOnly?: 'Disabled' | 'IfPossible' | 'Enabled';
  /** Path inside the container; must not contain ':'. */
  mountPath: string;
  /** Path within the volume to mount instead of its root. */
  subPath?: string;
  /** How mounts propagate between host and container; defaults to None. */
  mountPropagation?: MountPropagationMode;
  /** Like subPath, with $(VAR) expansion from the container's environment. */
  subPathExpr?: string;
}

export interface VolumeDevice {
  /** Name of a persistentVolumeClaim volume of the pod. */
  name: string;
  /** Path inside the container the block device is mapped to. */
  devicePath: string;
}

export interface ExecAction {
  /** Command line to run inside the container, not run in a shell. */
  command?: string[];
}

export interface HTTPHeader {
  /** Header field name. */
  name: string;
  /** Header field value. */
  value: string;
}

export interface HTTPGetAction {
  /** Path to request; defaults to `/`. */
  path?: string;
  /** Port number or name to request. */
  port: IntOrString;
  /** Host name to connect to; defaults to the pod IP. */
  host?: string;
  /** HTTP or HTTPS; defaults to HTTP. */
  scheme?: URIScheme;
  /** Custom headers; repeated headers are allowed. */
  httpHeaders?: HTTPHeader[];
}

export interface TCPSocketAction {
  /** Port number or name to connect to. */
  port: IntOrString;
  /** Host name to connect to; defaults to the pod IP. */
  host?: string;
}

export interface GRPCAction {
  /** Port number of the gRPC service (1-65535). */
  port: number;
  /** Service name for the gRPC health check; empty checks the server. */
  service?: string;
}

export interface SleepAction {
  /** Seconds to sleep. */
  seconds: number;
}

export interface ProbeHandler {
  /** Run a command. */
  exec?: ExecAction;
  /** Perform an HTTP GET. */
  httpGet?: HTTPGetAction;
  /** Open a TCP connection. */
  tcpSocket?: TCPSocketAction;
  /** Call the gRPC health checking protocol. */
  grpc?: GRPCAction;
}

export interface Probe extends ProbeHandler {
  /** Seconds after the container starts before probes begin. */
  initialDelaySeconds?: number;
  /** Seconds after which the probe times out; defaults to 1. */
  timeoutSeconds?: number;
  /** How often to probe, in seconds; defaults to 10. */
  periodSeconds?: number;
  /** Consecutive successes to be considered successful after a failure; defaults to 1 (must be 1 for liveness and startup). */
  successThreshold?: number;
  /** Consecutive failures to be considered failed; defaults to 3. */
  failureThreshold?: number;
  /**
   * Grace period override for terminating the pod after a liveness/startup failure.
   * @format int64
   */
  terminationGracePeriodSeconds?: number;
}

export interface LifecycleHandler {
  /** Run a command. */
  exec?: ExecAction;
  /** Perform an HTTP GET. */
  httpGet?: HTTPGetAction;
  /** Deprecated; kept for backwards compatibility. */
  tcpSocket?: TCPSocketAction;
  /** Sleep before the container is terminated. */
  sleep?: SleepAction;
}

export interface Lifecycle {
  /** Called right after the container is created. */
  postStart?: LifecycleHandler;
  /** Called before the container is terminated. */
  preStop?: LifecycleHandler;
}

export interface Capabilities {
  /** Capabilities to add. */
  add?: string[];
  /** Capabilities to drop. */
  drop?: string[];
}

export interface SELinuxOptions {
  /** SELinux user label. */
  user?: string;
  /** SELinux role label. */
  role?: string;
  /** SELinux type label. */
  type?: string;
  /** SELinux level label. */
  level?: string;
}

export interface SeccompProfile {
  /** RuntimeDefault, Unconfined or Localhost. */
  type: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  /** Profile file on the node, for Localhost. */
  localhostProfile?: string;
}

export interface AppArmorProfile {
  /** RuntimeDefault, Unconfined or Localhost. */
  type: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  /** Profile loaded on the node, for Localhost. */
  localhostProfile?: string;
}

export interface WindowsSecurityContextOptions {
  /** GMSA admission webhook credential spec name. */
  gmsaCredentialSpecName?: string;
  /** GMSA credential spec contents. */
  gmsaCredentialSpec?: string;
  /** User name to run the entrypoint as. */
  runAsUserName?: string;
  /** Run as a host process container. */
  hostProcess?: boolean;
}

export interface SecurityContext {
  /** Capabilities to add or drop. */
  capabilities?: Capabilities;
  /** Run in privileged mode (root on the host). */
  privileged?: boolean;
  /** SELinux context of the container. */
  seLinuxOptions?: SELinuxOptions;
  /** Windows-specific settings. */
  windowsOptions?: WindowsSecurityContextOptions;
  /**
   * UID to run the entrypoint as.
   * @format int64
   */
  runAsUser?: number;
  /**
   * GID to run the entrypoint as.
   * @format int64
   */
  runAsGroup?: number;
  /** Refuse to start when the image would run as root. */
  runAsNonRoot?: boolean;
  /** Mount the root filesystem read-only. */
  readOnlyRootFilesystem?: boolean;
  /** Whether a process can gain more privileges than its parent. */
  allowPrivilegeEscalation?: boolean;
  /** Default or Unmasked /proc mount. */
  procMount?: 'Default' | 'Unmasked';
  /** Seccomp profile of the container. */
  seccompProfile?: SeccompProfile;
  /** AppArmor profile of the container. */
  appArmorProfile?: AppArmorProfile;
}

export interface ContainerResizePolicy {
  /** Resource the policy applies to: cpu or memory. */
  resourceName: string;
  /** NotRequired or RestartContainer. */
  restartPolicy: 'NotRequired' | 'RestartContainer';
}

export interface Container {
  /** Name of the container, a DNS label unique within the pod. */
  name: string;
  /** Container image name, e.g. `nginx:1.27`. */
  image?: string;
  /** Entrypoint array; the image's ENTRYPOINT when empty. */
  command?: string[];
  /** Arguments to the entrypoint; the image's CMD when empty. */
  args?: string[];
  /** Working directory; the image's default when empty. */
  workingDir?: string;
  /**
   * Ports to expose (informational, except hostPort).
   * @patchMergeKey containerPort
   * @patchStrategy merge
   * @listType map
   * @listMapKey containerPort protocol
   */
  ports?: ContainerPort[];
  /** Sources of environment variables. */
  envFrom?: EnvFromSource[];
  /**
   * Environment variables.
   * @patchMergeKey name
   * @patchStrategy merge
   * @listType map
   * @listMapKey name
   */
  env?: EnvVar[];
  /** Compute resources required by the container. */
  resources?: ResourceRequirements;
  /** How resources may be resized in place. */
  resizePolicy?: ContainerResizePolicy[];
  /** For init containers: `Always` makes it a sidecar. */
  restartPolicy?: ContainerRestartPolicy;
  /**
   * Volumes mounted into the filesystem.
   * @patchMergeKey mountPath
   * @patchStrategy merge
   * @listType map
   * @listMapKey mountPath
   */
  volumeMounts?: VolumeMount[];
  /**
   * Block devices used by the container.
   * @patchMergeKey devicePath
   * @patchStrategy merge
   * @listType map
   * @listMapKey devicePath
   */
  volumeDevices?: VolumeDevice[];
  /** Restart the container when this probe fails. */
  livenessProbe?: Probe;
  /** Remove the pod from service endpoints while this probe fails. */
  readinessProbe?: Probe;
  /** No other probe runs until this one succeeds. */
  startupProbe?: Probe;
  /** Hooks run on container lifecycle events. */
  lifecycle?: Lifecycle;
  /** File the termination message is read from; defaults to /dev/termination-log. */
  terminationMessagePath?: string;
  /** File, or FallbackToLogsOnError; defaults to File. */
  terminationMessagePolicy?: TerminationMessagePolicy;
  /** Always, Never or IfNotPresent; defaults to Always for `:latest` or no tag, else IfNotPresent. */
  imagePullPolicy?: PullPolicy;
  /** Security options of the container. */
  securityContext?: SecurityContext;
  /** Allocate a buffer for stdin. */
  stdin?: boolean;
  /** Close stdin after the first attach ends. */
  stdinOnce?: boolean;
  /** Allocate a TTY. */
  tty?: boolean;
}

/** A debugging container added to a running pod (kubectl debug). */
export interface EphemeralContainer extends Container {
  /** Name of the container whose namespaces this one joins. */
  targetContainerName?: string;
}
