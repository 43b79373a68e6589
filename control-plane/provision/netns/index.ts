// The netns provider's building blocks: a Kubernetes "node" as a network namespace on this
// machine with its own containerd and sshd. See docs/netns.md.
export {
  createCluster,
  destroyCluster,
  listClusters,
  sshKeyFileOf,
  type NetnsCluster,
  type NetnsClusterSpec,
} from './cluster.ts';
export { createNode, deleteNode, nodeDirOf, nodeIpOf, type NetnsNode, type NetnsNodeSpec } from './node.ts';
export { setPodRoutes, removePodRoute, type PodRouteNode } from './routes.ts';
export {
  importImage,
  allowPlainHttpRegistry,
  containerdPaths,
  DEFAULT_SANDBOX_IMAGE,
  K8S_NAMESPACE,
  CNI_BIN_DIR,
} from './containerd.ts';
export { freeNodeSubnet } from './subnet.ts';
export { publicKeyBlob } from './keys.ts';
export { netnsSupport } from './support.ts';
