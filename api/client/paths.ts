// REST paths of the Kubernetes API: `/api/v1/namespaces/ns/pods/name/status` for the core
// group, `/apis/apps/v1/...` for the others.
import type { ResourceRef } from './types.ts';

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/**
 * The path for a collection (no name), an object, or an object's subresource. `namespace` is
 * ignored for cluster-scoped resources; without it a namespaced collection means all namespaces.
 */
export function resourcePath(
  ref: ResourceRef,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  let path = groupVersionPath(ref.group, ref.version);
  if (ref.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${ref.plural}`;
  if (name !== undefined) {
    if (name === '') throw new Error(`${ref.kind}: a name is required`);
    path += `/${encodeURIComponent(name)}`;
    if (subresource) path += `/${subresource}`;
  }
  return path;
}
