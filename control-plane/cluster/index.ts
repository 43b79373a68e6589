// The cluster lifecycle library (contract 7): used by the CLI (`flotilla cluster|node|
// kubeconfig|image`) and by the app (control-plane/app-api). See docs/clusters.md.
export {
  addNode,
  ClusterError,
  createCluster,
  deleteCluster,
  followProgress,
  kubeconfigPath,
  listClusters,
  listNodes,
  readProgress,
  removeNode,
  startCluster,
  stopCluster,
  supervisorPid,
  type ClusterSummary,
  type LifecycleOptions,
} from './lifecycle.ts';
export { readDesiredState, type DesiredState } from './desired-state.ts';
export { loadImage } from './images.ts';
export { clustersToResume, resumeClusters, type ResumeResult, type Resuming } from './resume.ts';
export { runSupervisor } from './supervisor.ts';
export {
  appSupervisorLauncher,
  setSupervisorLauncher,
  SUPERVISOR_FLAG,
  type SupervisorLauncher,
} from './supervisor-launcher.ts';
export { clusterPaths, dataRoot } from './paths.ts';
export { NODE_STEPS, type ProgressEvent, type ProgressStatus } from './progress.ts';
export { type ClusterSpec } from './spec.ts';
