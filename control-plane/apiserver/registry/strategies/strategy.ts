// What differs between resources inside the generic registry, like upstream's
// RESTCreateStrategy / RESTUpdateStrategy / RESTDeleteStrategy / RESTGracefulDeleteStrategy.
// The generic verbs call these hooks; a type with special rules gets its own file here and an
// entry in strategies/index.ts. Everything has a sensible default (see defaultStrategy).
import type { FieldError } from '../../../../api/resource-type.ts';
import type { DeleteOptions, KubeObject, RequestContext } from '../types.ts';

export type GarbageCollectionPolicy = 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';

/** How a subresource written through the generic update path (status, finalize) builds the new object. */
export interface SubresourceUpdateStrategy {
  /** The object to store, from the client's object and the stored one (neither is mutated). */
  prepareForUpdate(obj: KubeObject, old: KubeObject): KubeObject;
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
}

/** What a type asks of deletion before the generic path runs (upstream's custom REST Delete). */
export type BeforeDeleteOutcome =
  /** Store `obj` as mutated by the hook and return it: deletion has begun, someone else finishes it. */
  | 'mark'
  /** Return the object unchanged. */
  | 'wait'
  /** Go on with generic deletion. */
  | 'continue';

export interface Strategy {
  /** The type has a status subresource: main-resource writes keep status, /status writes only status. */
  readonly hasStatus: boolean;
  /** PUT of a missing object creates it (events, endpoints, leases). */
  readonly allowCreateOnUpdate: boolean;
  /** PUT without metadata.resourceVersion overwrites whatever is stored. */
  readonly allowUnconditionalUpdate: boolean;
  /** What deletion does with dependents when the client does not say (upstream's DefaultGarbageCollectionPolicy). */
  readonly gcPolicy: GarbageCollectionPolicy;

  /**
   * Reset what a client may not choose on create (status) and set server-side initial values;
   * `ctx` says who asks (CertificateSigningRequests record their requester).
   */
  prepareForCreate(obj: KubeObject, ctx?: RequestContext): void;
  /** Carry over what a PUT to the main resource may not change (status); `old` is read-only. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Type rules beyond the shared ResourceType.validate (kept for registry-only concerns). */
  validate?(obj: KubeObject): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Normalise after validation (namespaces get their kubernetes.io/metadata.name label). */
  canonicalize?(obj: KubeObject): void;

  /**
   * Graceful deletion (pods): the grace period in seconds to wait, given the client's options,
   * or undefined when the type deletes at once. 0 means delete now.
   */
  checkGracefulDelete?(obj: KubeObject, opts: DeleteOptions): number | undefined;
  /** A first deletion step of the type's own (namespaces turn Terminating); may mutate obj. */
  beforeDelete?(obj: KubeObject, opts: DeleteOptions, now: string): BeforeDeleteOutcome;
  /** After an update, remove the object instead of storing it (upstream's ShouldDeleteDuringUpdate). */
  shouldDeleteDuringUpdate(obj: KubeObject, old: KubeObject): boolean;

  /** Subresources written through the generic update path, by name ('status', 'finalize'). */
  readonly subresourceUpdates: Readonly<Record<string, SubresourceUpdateStrategy>>;
}
