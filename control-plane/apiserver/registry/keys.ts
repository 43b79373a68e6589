// Storage keys, like upstream's etcd layout: /registry/<group or "core">/<plural>/<namespace>/<name>
// (no namespace segment for cluster-scoped resources). Listing one namespace scans the prefix
// with a trailing slash, so namespace "a" never matches keys of namespace "ab".
import type { ResourceType } from '../../../api/resource-type.ts';

export class ResourceKeys {
  /** Prefix of every key of the resource, with the trailing slash. */
  readonly root: string;

  constructor(rt: Pick<ResourceType, 'group' | 'plural' | 'namespaced'>) {
    this.root = `/registry/${rt.group || 'core'}/${rt.plural}/`;
  }

  /** The key of one object; `namespace` is ignored for cluster-scoped resources by the caller passing ''. */
  key(namespace: string, name: string): string {
    return namespace ? `${this.root}${namespace}/${name}` : `${this.root}${name}`;
  }

  /** The prefix to list: one namespace (trailing slash) or, with '', every object. */
  prefix(namespace: string): string {
    return namespace ? `${this.root}${namespace}/` : this.root;
  }
}
