// Everything a verb needs to serve one resource, built once per resource by createRegistries.
import type { ResourceType } from '../../../api/resource-type.ts';
import type { Backend } from '../../storage/types.ts';
import type { Admission } from './admission.ts';
import type { ResourceHooks } from './hooks.ts';
import type { GroupResource } from '../status.ts';
import type { ObjectCodec } from './codec.ts';
import type { DecodedCache } from './decoded-cache.ts';
import type { ResourceKeys } from './keys.ts';
import type { Clock } from './object-meta.ts';
import type { Strategy } from './strategies/strategy.ts';
import type { KubeObject } from './types.ts';

export interface StoreContext {
  readonly backend: Backend;
  readonly type: ResourceType;
  readonly strategy: Strategy;
  readonly keys: ResourceKeys;
  readonly codec: ObjectCodec;
  /** Decoded objects shared between watchers (and other read-only users). */
  readonly decoded: DecodedCache;
  /** `{group, resource: plural}` for error messages. */
  readonly gr: GroupResource;
  /** The apiVersion objects of this resource carry. */
  readonly apiVersion: string;
  readonly clock: Clock;
  readonly bookmarkIntervalMs: number;
  /** Admission plugins shared by every registry (none unless createRegistries was given some). */
  readonly admission?: Admission;
  /** Work around storing this resource (service IP and port allocation), if any. */
  readonly hooks?: ResourceHooks;
  /** The namespace object (read-only), or undefined; for the namespace lifecycle checks on create. */
  getNamespace(name: string): Promise<KubeObject | undefined>;
}
