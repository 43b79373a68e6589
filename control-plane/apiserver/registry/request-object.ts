// Checks on the object a client sent, before any verb logic: it must be of this endpoint's
// kind and version (filled in when absent, like upstream's decoder defaults), and its name and
// namespace must agree with the URL. Messages are upstream's handler wording.
import { badRequest } from '../status.ts';
import type { StoreContext } from './context.ts';
import { metadataOf } from './object-meta.ts';
import type { KubeObject } from './types.ts';

export function checkTypeMeta(s: StoreContext, obj: KubeObject): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw badRequest(`the body of the request must be a ${s.type.kind} object`);
  }
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = s.apiVersion;
  else if (obj.apiVersion !== s.apiVersion) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${s.apiVersion})`,
    );
  }
  if (obj.kind === undefined || obj.kind === '') obj.kind = s.type.kind;
  else if (obj.kind !== s.type.kind) {
    throw badRequest(
      `${obj.kind} in version "${s.type.version}" cannot be handled as a ${s.type.kind}: the kind in the data (${obj.kind}) does not match the expected kind (${s.type.kind})`,
    );
  }
}

/** Upstream EnsureObjectNamespaceMatchesRequestNamespace: fill, clear (cluster-scoped) or reject. */
export function settleNamespace(s: StoreContext, obj: KubeObject, namespace: string): void {
  const meta = metadataOf(obj);
  if (!s.type.namespaced) {
    delete meta.namespace;
    return;
  }
  if (!meta.namespace) meta.namespace = namespace;
  else if (meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

export function settleName(obj: KubeObject, name: string): void {
  const meta = metadataOf(obj);
  if (!meta.name) meta.name = name;
  else if (meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
}

/** The namespace argument must fit the resource's scope (a programming error in the caller otherwise). */
export function scopedNamespace(s: StoreContext, namespace: string): string {
  if (s.type.namespaced && !namespace) throw badRequest(`a namespace is required for ${s.gr.resource}`);
  return s.type.namespaced ? namespace : '';
}
