// What every node provider implements. A provider turns "I want a node" into a Linux host that
// answers on SSH with a host key we already know; everything after that (upload the agent,
// write its config, start it, wait for Ready) is one shared path in provision/install/, the
// same for netns namespaces, Multipass and VirtualBox VMs, and existing SSH hosts.
export type ProviderName = 'netns' | 'multipass' | 'virtualbox' | 'ssh';

/** Whether a provider can run on this computer, and if not, what the user should do. */
export type ProviderDetection =
  | { available: true; version?: string }
  | { available: false; version?: string; reason: string; hint: string };

export interface ProviderNodeSpec {
  /** Kubernetes node name (DNS label). */
  name: string;
  /** 1-based position in the cluster; providers that number things (netns addresses) use it. */
  index: number;
  cpus: number;
  memoryMiB: number;
  diskGiB: number;
  /** Provider-specific settings (ssh: host, port, user, identity; multipass: image ...). */
  options?: Record<string, unknown>;
}

/** How the shared install path runs the agent on this host. */
export interface AgentHostSettings {
  /**
   * `systemd`: install a unit (real hosts and VMs). `detached`: start a detached process over
   * SSH and supervise it from the control plane (netns nodes, which share the host's init).
   */
  serviceManager: 'systemd' | 'detached';
  /** Where the agent bundle, its config and its Node runtime go. */
  installDir: string;
  /** The agent's data dir (volumes, logs, credentials). */
  dataDir: string;
  containerRuntimeEndpoint: string;
  cniConfDir: string;
  cniBinDir: string;
  /** containerd's registry `config_path` (certs.d); absent: /etc/containerd/certs.d. */
  registryConfigDir?: string;
  cgroupParent?: string;
  /** Absolute path of a Node runtime already on the host; absent: the installer ships one. */
  nodeBinary?: string;
  /** Whether containerd/runc/CNI plugins/iptables still need installing from the distribution. */
  installPackages: boolean;
}

/** A node the provider made, as persisted in the cluster folder (JSON-serialisable). */
export interface ProvisionedNode {
  name: string;
  provider: ProviderName;
  /** Where the host is reachable from the control plane, for SSH and the kubelet API. */
  address: string;
  sshPort: number;
  sshUser: string;
  /** The host's SSH public key ("ssh-ed25519 AAAA..."), pinned: any other key is refused. */
  hostKey: string;
  /** The address at which this node reaches the control plane's API server. */
  apiServerAddress: string;
  agent: AgentHostSettings;
  /** Provider-private state (VM name, namespace, ...), persisted with the node. */
  state: Record<string, unknown>;
}

/** What the cluster hands every provider call. */
export interface ProvisionContext {
  cluster: string;
  /** The cluster's folder: providers keep their files under `<clusterDir>/nodes/<name>/`. */
  clusterDir: string;
  /** The cluster's SSH client public key (OpenSSH line) to authorize on the node. */
  sshPublicKey: string;
  /** Report progress within a step ("downloading image 40%"); shown next to the step. */
  progress(message: string): void;
  signal?: AbortSignal;
}

export class ProvisionError extends Error {
  constructor(
    /** The step that failed, as shown to the user ("create VM", "boot", "SSH up"). */
    readonly step: string,
    message: string,
    /** What the user can try. */
    readonly hint?: string,
    /** Diagnostics, e.g. the VM's console log. */
    readonly details?: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

export interface NodeProvider {
  readonly name: ProviderName;
  detect(): Promise<ProviderDetection>;
  /** Creates and boots the host; resolves once it answers on SSH with `hostKey`. Cleans up on failure. */
  createNode(spec: ProviderNodeSpec, ctx: ProvisionContext): Promise<ProvisionedNode>;
  /** Brings a stopped node (or one lost to a host reboot) back; the address may have changed. */
  startNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<ProvisionedNode>;
  stopNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void>;
  /** Removes every trace of the node; succeeds when it is already gone. */
  deleteNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void>;
  /** The node's current address (VMs may get a new one after the host sleeps). */
  address(node: ProvisionedNode, ctx: ProvisionContext): Promise<string>;
  /** Console or serial log, attached to errors for diagnosis. */
  consoleLog?(node: ProvisionedNode, ctx: ProvisionContext): Promise<string>;
}
