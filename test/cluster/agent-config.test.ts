// The agent.yaml the installer writes is one the agent accepts, with the settings an agent
// inside its node needs (its own routes, kube-proxy, DNS, ingress, the bootstrap credential).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseAgentConfig } from '../../agent/config.ts';
import {
  agentConfigYaml,
  installPaths,
  nodeKubeconfigYaml,
} from '../../control-plane/provision/install/agent-config.ts';
import type { ProvisionedNode } from '../../control-plane/provision/provider.ts';

const node: ProvisionedNode = {
  name: 'node-1',
  provider: 'netns',
  address: '10.240.7.2',
  sshPort: 22,
  sshUser: 'root',
  hostKey: 'ssh-ed25519 AAAA',
  apiServerAddress: '10.240.7.1',
  agent: {
    serviceManager: 'detached',
    installDir: '/data/nodes/node-1/flotilla',
    dataDir: '/data/nodes/node-1/agent',
    containerRuntimeEndpoint: '/data/nodes/node-1/containerd/containerd.sock',
    cniConfDir: '/data/nodes/node-1/cni/net.d',
    cniBinDir: '/usr/lib/cni',
    cgroupParent: '/flotilla/demo/node-1',
    installPackages: false,
  },
  state: {},
};
const settings = {
  cluster: 'demo',
  apiServerUrl: 'https://10.240.7.1:6443',
  caCertPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};

describe('the agent config the installer writes', () => {
  it('joins with the bootstrap kubeconfig and runs the node-side services', () => {
    const config = parseAgentConfig(
      parse(
        agentConfigYaml(node, { ...settings, credential: { bootstrapToken: 'abcdef.0123456789abcdef' } }),
      ),
    );
    expect(config).toMatchObject({
      nodeName: 'node-1',
      nodeIP: '10.240.7.2',
      bootstrapKubeconfig: installPaths(node).bootstrapKubeconfig,
      kubeconfig: installPaths(node).nodeKubeconfig,
      containerRuntimeEndpoint: node.agent.containerRuntimeEndpoint,
      cgroupParent: '/flotilla/demo/node-1',
      podCIDR: 'node',
      podRoutes: 'host-gw',
      clusterCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      proxy: { mode: 'iptables', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12' },
      dns: { enabled: true },
      ingress: { enabled: true },
    });
  });

  it('writes the pod and service ranges once, at the top, where kube-proxy reads them too', () => {
    const yaml = agentConfigYaml(node, {
      ...settings,
      credential: { nodeToken: 't' },
      clusterCIDR: '10.200.0.0/16',
    });
    const raw = parse(yaml);
    expect(raw).toMatchObject({ clusterCIDR: '10.200.0.0/16', serviceCIDR: '10.96.0.0/12' });
    expect(raw.proxy).not.toHaveProperty('clusterCIDR');
    const config = parseAgentConfig(raw);
    expect(config.proxy).toMatchObject({
      clusterCIDR: '10.200.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      deprecations: [],
    });
  });

  it("writes the cluster's kube-proxy mode (cluster.yaml proxyMode)", () => {
    const yaml = agentConfigYaml(node, {
      ...settings,
      credential: { nodeToken: 't' },
      proxyMode: 'nftables',
    });
    expect(parseAgentConfig(parse(yaml)).proxy.mode).toBe('nftables');
  });

  it('hands the node a kubeconfig with the API address it reaches and only its token', () => {
    const kubeconfig = parse(
      nodeKubeconfigYaml(node, { ...settings, credential: { bootstrapToken: 'abcdef.0123456789abcdef' } }),
    );
    expect(kubeconfig.clusters[0].cluster.server).toBe('https://10.240.7.1:6443');
    expect(kubeconfig.users[0].user).toEqual({ token: 'abcdef.0123456789abcdef' });
  });
});
