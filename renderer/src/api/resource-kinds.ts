// The resource types the screens show, with their API paths. One watch per type is shared by
// every screen (stores/resources.ts).
export interface ResourceKind {
  /** Store id and route name: `pods`, `deployments`... */
  plural: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
}

const k = (
  plural: string,
  kind: string,
  group: string,
  version: string,
  namespaced = true,
): ResourceKind => ({
  plural,
  kind,
  group,
  version,
  namespaced,
});

export const kinds = {
  nodes: k('nodes', 'Node', '', 'v1', false),
  namespaces: k('namespaces', 'Namespace', '', 'v1', false),
  pods: k('pods', 'Pod', '', 'v1'),
  events: k('events', 'Event', '', 'v1'),
  services: k('services', 'Service', '', 'v1'),
  deployments: k('deployments', 'Deployment', 'apps', 'v1'),
  statefulsets: k('statefulsets', 'StatefulSet', 'apps', 'v1'),
  daemonsets: k('daemonsets', 'DaemonSet', 'apps', 'v1'),
  replicasets: k('replicasets', 'ReplicaSet', 'apps', 'v1'),
  jobs: k('jobs', 'Job', 'batch', 'v1'),
} as const;

export type KindName = keyof typeof kinds;

/** `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** Collection path, all namespaces when `namespace` is omitted. */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  const base = groupVersionPath(kind.group, kind.version);
  return kind.namespaced && namespace
    ? `${base}/namespaces/${namespace}/${kind.plural}`
    : `${base}/${kind.plural}`;
}

export function objectPath(kind: ResourceKind, name: string, namespace?: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}
