// The admission seam of the registry (upstream k8s.io/apiserver/pkg/admission): plugins that see
// every write after the namespace checks. Mutating plugins (`admit`) run before validation and
// may change the object (a pod gets its service account, default tolerations, LimitRange
// defaults); validating plugins (`validate`) run after validation, just before the object is
// stored, and refuse by throwing a StatusError (ResourceQuota: 403 "exceeded quota").
// Plugins are built once the registries exist, so they can read other resources through them.
import type { ResourceType } from '../../../api/resource-type.ts';
import type { KubeObject, ResourceRegistry, UserInfo } from './types.ts';

export type AdmissionOperation = 'CREATE' | 'UPDATE';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  type: ResourceType;
  /** '' for cluster-scoped objects. */
  namespace: string;
  /** '' while a generateName has not been turned into a name yet (mutating phase of create). */
  name: string;
  /** The object to be stored; mutating plugins change it in place. */
  object: KubeObject;
  /** The stored object, on update. */
  oldObject?: KubeObject;
  user: UserInfo;
  /** Nothing will be stored: plugins must not record anything (quota usage). */
  dryRun: boolean;
}

export interface AdmissionPlugin {
  readonly name: string;
  admit?(a: AdmissionAttributes): void | Promise<void>;
  validate?(a: AdmissionAttributes): void | Promise<void>;
}

/** Builds the plugins over the finished registries (keyed like createRegistries' map). */
export type AdmissionFactory = (registries: ReadonlyMap<string, ResourceRegistry>) => AdmissionPlugin[];

/** The ordered plugin chain every registry of one API server shares. */
export class Admission {
  plugins: readonly AdmissionPlugin[] = [];

  async admit(a: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.admit) await p.admit(a);
  }

  async validate(a: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(a);
  }
}
