// The seam between the HTTP layer (routing, negotiation, authn/authz) and the generic
// registry that implements each verb on top of the storage Backend (like upstream's
// k8s.io/apiserver/pkg/registry/generic/registry.Store). Handlers parse the request into these
// options; the registry throws StatusError (../status.ts) for every failure.
import type { ResourceType } from '../../../api/resource-type.ts';

export type KubeObject = Record<string, any> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, any>;
};

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

/** Who is asking, and for what; passed to every registry call (admission, managedFields, events). */
export interface RequestContext {
  user: UserInfo;
  /** dryRun=All: run everything (defaulting, validation, admission) but persist nothing. */
  dryRun?: boolean;
  /** fieldManager query parameter (or derived from the user agent, like upstream). */
  fieldManager?: string;
  /** fieldValidation=Strict|Warn|Ignore (issue #4); warnings go to `warnings`. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Warnings to send back as `Warning: 299 - "..."` headers. */
  warnings: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface WatchStream {
  /** Stop the watch; no events are delivered after this returns. */
  close(): void;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/**
 * A subresource with its own kind, served by its own handler rather than by update/patch with
 * `subresource` (which is how 'status' and 'finalize' are written): `pods/binding` (Binding),
 * `deployments/scale` (autoscaling/v1 Scale). Each verb it lacks is not served (405).
 */
export interface SubresourceHandler {
  get?(ctx: RequestContext, namespace: string, name: string): Promise<KubeObject>;
  /** POST; answers 201 with what it returns (a Status for pods/binding). */
  create?(ctx: RequestContext, namespace: string, name: string, obj: KubeObject): Promise<KubeObject>;
  update?(ctx: RequestContext, namespace: string, name: string, obj: KubeObject): Promise<KubeObject>;
  patch?(
    ctx: RequestContext,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
  ): Promise<KubeObject>;
}

/**
 * One served resource, bound to the store. `namespace` is '' for cluster-scoped resources and for
 * list/watch across all namespaces.
 */
export interface ResourceRegistry {
  readonly type: ResourceType;
  get(ctx: RequestContext, namespace: string, name: string): Promise<KubeObject>;
  list(ctx: RequestContext, namespace: string, opts: ListOptions): Promise<KubeObject>;
  /**
   * Events go to `onEvent` in order, possibly before the promise resolves (initial ADDED events,
   * or an ERROR event for a compacted resourceVersion). Event objects may be shared between
   * watchers: read-only. `onClose` is called once when the server ends the stream (timeout,
   * error); never after `close()`.
   */
  watch(
    ctx: RequestContext,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
    onClose: (err?: Error) => void,
  ): Promise<WatchStream>;
  create(ctx: RequestContext, namespace: string, obj: KubeObject): Promise<KubeObject>;
  /**
   * PUT. `subresource` is 'status' (only status changes), 'finalize' (namespaces: spec.finalizers)
   * or undefined (status changes ignored).
   */
  update(
    ctx: RequestContext,
    namespace: string,
    name: string,
    obj: KubeObject,
    subresource?: string,
  ): Promise<KubeObject>;
  patch(
    ctx: RequestContext,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    subresource?: string,
    opts?: { force?: boolean },
  ): Promise<KubeObject>;
  /** Returns the deleted object (or the object now marked for deletion, with deletionTimestamp). */
  delete(ctx: RequestContext, namespace: string, name: string, opts: DeleteOptions): Promise<KubeObject>;
  deleteCollection(
    ctx: RequestContext,
    namespace: string,
    list: ListOptions,
    opts: DeleteOptions,
  ): Promise<KubeObject>;
  /** The handler of a subresource with its own kind ('binding', 'scale'), if this resource serves it. */
  subresource?(name: string): SubresourceHandler | undefined;
}
