// What the installer writes on a node: the agent's config (agent/config.ts keys) and the
// kubeconfig it starts from. With a bootstrap token the agent trades it for its own node
// certificate (bootstrapKubeconfig, NODE-JOIN); otherwise it uses a node-scoped bearer token.
import { stringify } from 'yaml';
import { defaultServiceCIDR } from '../../apiserver/registry/allocators/service-allocator.ts';
import { buildKubeconfig, kubeconfigToYaml } from '../../kubeconfig.ts';
import type { ProvisionedNode } from '../provider.ts';
import type { RegistriesSpec } from './registry-config.ts';

const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';

export type NodeCredential = { bootstrapToken: string } | { nodeToken: string };

export interface AgentInstallSettings {
  cluster: string;
  /** https://<apiServerAddress>:<port>, as the node reaches the API server. */
  apiServerUrl: string;
  caCertPem: string;
  credential: NodeCredential;
  /** Pod network routes between nodes, set by the agent (KUBELET-EXTRAS): host-gw for one L2 link. */
  podRoutes?: 'none' | 'host-gw' | 'vxlan';
  /** All pods' addresses (the controller manager's --cluster-cidr). Default 10.244.0.0/16. */
  clusterCIDR?: string;
  /** Registry mirrors and insecure registries, written as containerd hosts.toml files. */
  registries?: RegistriesSpec;
  /** kube-proxy's mode (cluster.yaml proxyMode). Default iptables. */
  proxyMode?: 'iptables' | 'nftables';
  /** Extra agent config keys (proxy, dns, ingress ...) as those features land. */
  extra?: Record<string, unknown>;
}

/** Paths of the installed files on the node. */
export function installPaths(node: ProvisionedNode) {
  const dir = node.agent.installDir;
  return {
    dir,
    bundle: `${dir}/agent.mjs`,
    /** The Node runtime Flotilla ships when the host declares none (provision/runtime/). */
    runtime: `${dir}/node`,
    runtimeId: `${dir}/node.id`,
    config: `${dir}/agent.yaml`,
    bootstrapKubeconfig: `${dir}/bootstrap-kubeconfig.yaml`,
    tokenKubeconfig: `${dir}/kubeconfig.yaml`,
    /** Written by the agent after the bootstrap: its own certificate's kubeconfig. */
    nodeKubeconfig: `${node.agent.dataDir}/kubeconfig.yaml`,
    pidFile: `${dir}/agent.pid`,
    log: `${node.agent.dataDir}/agent.log`,
    unit: '/etc/systemd/system/flotilla-agent.service',
  };
}

/** The kubeconfig handed to the node: its server, our CA, and the token it starts with. */
export function nodeKubeconfigYaml(node: ProvisionedNode, settings: AgentInstallSettings): string {
  const token =
    'bootstrapToken' in settings.credential
      ? settings.credential.bootstrapToken
      : settings.credential.nodeToken;
  return kubeconfigToYaml(
    buildKubeconfig({
      clusterName: settings.cluster,
      server: settings.apiServerUrl,
      caCertPem: settings.caCertPem,
      userName: 'bootstrapToken' in settings.credential ? 'kubelet-bootstrap' : `system:node:${node.name}`,
      credentials: { token },
    }),
  );
}

export function agentConfigYaml(node: ProvisionedNode, settings: AgentInstallSettings): string {
  const paths = installPaths(node);
  const credentials =
    'bootstrapToken' in settings.credential
      ? { kubeconfig: paths.nodeKubeconfig, bootstrapKubeconfig: paths.bootstrapKubeconfig }
      : { kubeconfig: paths.tokenKubeconfig };
  const config = {
    nodeName: node.name,
    ...credentials,
    containerRuntimeEndpoint: node.agent.containerRuntimeEndpoint,
    cniConfDir: node.agent.cniConfDir,
    podCIDR: 'node',
    dataDir: node.agent.dataDir,
    nodeIP: node.address,
    ...(node.agent.cgroupParent ? { cgroupParent: node.agent.cgroupParent } : {}),
    // The agent runs inside its node: it routes pods between nodes, and runs kube-proxy,
    // cluster DNS and the ingress controller there.
    podRoutes: settings.podRoutes ?? 'host-gw',
    // Read by the pod routes and kube-proxy alike; the service range is the API server's.
    clusterCIDR: settings.clusterCIDR ?? DEFAULT_CLUSTER_CIDR,
    serviceCIDR: defaultServiceCIDR,
    proxy: { mode: settings.proxyMode ?? 'iptables' },
    dns: { enabled: true },
    ingress: { enabled: true },
    ...settings.extra,
  };
  return `# Written by flotilla (control-plane/provision/install) for cluster ${settings.cluster}.\n${stringify(config)}`;
}
