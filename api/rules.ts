// Each served type's own rules (defaulting, validation, selectable fields), keyed by
// `group/Kind`. resources.ts attaches them to its table entries.
import type { FieldError, ResourceType } from './resource-type.ts';
import { defaultPod } from './defaults/pod.ts';
import { defaultDeployment } from './defaults/deployment.ts';
import { defaultReplicaSet } from './defaults/replica-set.ts';
import { defaultStatefulSet } from './defaults/stateful-set.ts';
import { defaultDaemonSet } from './defaults/daemon-set.ts';
import { defaultCronJob, defaultJob, generateJobSelector } from './defaults/job.ts';
import { defaultService } from './defaults/service.ts';
import {
  defaultEndpointSlice,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultResourceQuota,
  defaultSecret,
} from './defaults/core.ts';
import {
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultStorageClass,
} from './defaults/storage.ts';
import { defaultHorizontalPodAutoscaler, defaultIngressClass } from './defaults/autoscaling.ts';
import { validatePod } from './validation/pod.ts';
import { validateDeployment } from './validation/deployment.ts';
import { validateReplicaSet } from './validation/replica-set.ts';
import { validateStatefulSet } from './validation/stateful-set.ts';
import { validateDaemonSet } from './validation/daemon-set.ts';
import { validateControllerRevision } from './validation/controller-revision.ts';
import { validateJob } from './validation/job.ts';
import { validateCronJob } from './validation/cron-job.ts';
import { validateService } from './validation/service.ts';
import { validateConfigMap, validateSecret } from './validation/config-data.ts';
import { validateNamespace, validateNode } from './validation/namespace.ts';
import { validateCoreEvent, validateEventsV1Event } from './validation/event.ts';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validateStorageClass,
} from './validation/storage.ts';
import { validateLimitRange, validateResourceQuota } from './validation/quota.ts';
import { validateEndpointSlice, validateEndpoints } from './validation/endpoints.ts';
import { validateIngress, validateIngressClass } from './validation/networking.ts';
import { validateHorizontalPodAutoscaler, validateLease } from './validation/coordination.ts';
import { validatePriorityClass } from './validation/priority-class.ts';
import { defaultPriorityClass } from './defaults/priority-class.ts';
import { validateCertificateSigningRequest } from './validation/certificate-signing-request.ts';
import {
  eventFields,
  jobFields,
  namespaceFields,
  nodeFields,
  podFields,
  replicaSetFields,
  secretFields,
  serviceFields,
} from './fields/selectable-fields.ts';

export type TypeRules = Pick<ResourceType, 'defaults' | 'validate' | 'selectableFields'>;
type Validate = (obj: any, old?: any) => FieldError[];

/**
 * A validator must never take the server down with a malformed object; anything unexpected
 * becomes a field error at the root instead of an exception.
 */
function guarded(validate: Validate): Validate {
  return (obj, old) => {
    try {
      return validate(obj, old);
    } catch (err) {
      return [
        {
          type: 'FieldValueTypeInvalid',
          field: '<root>',
          detail: `malformed object: ${(err as Error).message}`,
        },
      ];
    }
  };
}

function guardedDefaults(defaults: (obj: any) => void): (obj: any) => void {
  return (obj) => {
    try {
      defaults(obj);
    } catch {
      // A malformed object is reported by validation.
    }
  };
}

/** Jobs get their generated selector at validation time, once the uid exists, like upstream. */
const validateJobWithSelector: Validate = (obj, old) => {
  if (old === undefined) generateJobSelector(obj);
  return validateJob(obj, old);
};

const table: Record<
  string,
  { defaults?: (obj: any) => void; validate?: Validate; selectableFields?: TypeRules['selectableFields'] }
> = {
  '/ConfigMap': { validate: validateConfigMap },
  '/Endpoints': { defaults: defaultEndpoints, validate: validateEndpoints },
  '/Event': { validate: validateCoreEvent, selectableFields: eventFields },
  '/LimitRange': { defaults: defaultLimitRange, validate: validateLimitRange },
  '/Namespace': {
    defaults: defaultNamespace,
    validate: validateNamespace,
    selectableFields: namespaceFields,
  },
  '/Node': { defaults: defaultNode, validate: validateNode, selectableFields: nodeFields },
  '/PersistentVolumeClaim': {
    defaults: defaultPersistentVolumeClaim,
    validate: validatePersistentVolumeClaim,
  },
  '/PersistentVolume': { defaults: defaultPersistentVolume, validate: validatePersistentVolume },
  '/Pod': { defaults: defaultPod, validate: validatePod, selectableFields: podFields },
  '/ResourceQuota': { defaults: defaultResourceQuota, validate: validateResourceQuota },
  '/Secret': { defaults: defaultSecret, validate: validateSecret, selectableFields: secretFields },
  '/ServiceAccount': {},
  '/Service': { defaults: defaultService, validate: validateService, selectableFields: serviceFields },
  'apps/ControllerRevision': { validate: validateControllerRevision },
  'apps/DaemonSet': { defaults: defaultDaemonSet, validate: validateDaemonSet },
  'apps/Deployment': { defaults: defaultDeployment, validate: validateDeployment },
  'apps/ReplicaSet': {
    defaults: defaultReplicaSet,
    validate: validateReplicaSet,
    selectableFields: replicaSetFields,
  },
  'apps/StatefulSet': { defaults: defaultStatefulSet, validate: validateStatefulSet },
  'autoscaling/HorizontalPodAutoscaler': {
    defaults: defaultHorizontalPodAutoscaler,
    validate: validateHorizontalPodAutoscaler,
  },
  'batch/CronJob': { defaults: defaultCronJob, validate: validateCronJob },
  'batch/Job': { defaults: defaultJob, validate: validateJobWithSelector, selectableFields: jobFields },
  'certificates.k8s.io/CertificateSigningRequest': {
    validate: validateCertificateSigningRequest,
    selectableFields: { 'spec.signerName': (o) => o?.spec?.signerName },
  },
  'coordination.k8s.io/Lease': { validate: validateLease },
  'scheduling.k8s.io/PriorityClass': { defaults: defaultPriorityClass, validate: validatePriorityClass },
  'discovery.k8s.io/EndpointSlice': { defaults: defaultEndpointSlice, validate: validateEndpointSlice },
  'events.k8s.io/Event': { validate: validateEventsV1Event },
  'networking.k8s.io/IngressClass': { defaults: defaultIngressClass, validate: validateIngressClass },
  'networking.k8s.io/Ingress': { validate: validateIngress },
  'storage.k8s.io/StorageClass': { defaults: defaultStorageClass, validate: validateStorageClass },
};

/** The rules for a group and kind (empty when the type has none). */
export function rulesFor(group: string, kind: string): TypeRules {
  const r = table[`${group}/${kind}`];
  if (!r) return {};
  return {
    ...(r.defaults ? { defaults: guardedDefaults(r.defaults) } : {}),
    ...(r.validate ? { validate: guarded(r.validate) } : {}),
    ...(r.selectableFields ? { selectableFields: r.selectableFields } : {}),
  };
}

/** The unguarded functions, for tests that want exceptions to surface. */
export function rawRulesFor(group: string, kind: string) {
  return table[`${group}/${kind}`] ?? {};
}
