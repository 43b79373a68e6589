// Which cluster the screens show: '' is the control plane serving this page; a name is a cluster
// the app created, reached through the app API's proxy (/app/v1/clusters/NAME/k8s/...). Kept in
// localStorage; switching reloads the page so every shared watch starts over on the new cluster.
const key = 'flotilla.cluster';

export function currentCluster(): string {
  return globalThis.localStorage?.getItem(key) ?? '';
}

export function switchCluster(name: string): void {
  if (name) globalThis.localStorage?.setItem(key, name);
  else globalThis.localStorage?.removeItem(key);
  globalThis.location?.reload();
}

/**
 * The URL for a Kubernetes API path (resources, or the OpenAPI documents the YAML editor's hints
 * come from) on the current cluster; app API paths stay as they are.
 */
export function kubernetesUrl(path: string, cluster = currentCluster()): string {
  if (!cluster || !/^\/(apis?|openapi)(\/|$|\?)/.test(path)) return path;
  return `/app/v1/clusters/${encodeURIComponent(cluster)}/k8s${path}`;
}
