// The shared API package: types, the served-resource table, defaulting and validation, label and
// field selectors, quantities, IntOrString, cron schedules, and the JSON/YAML codecs. Nothing
// here imports Node-only modules, so the renderer can use all of it.
export * from './resource-type.ts';
export { resourceTypes, lookupResource, lookupKind, servedGroups } from './resources.ts';
export { rulesFor, type TypeRules } from './rules.ts';
export type * from './types/index.ts';
export { volumeSourceKeys } from './types/index.ts';

export {
  Quantity,
  QuantityError,
  parseQuantity,
  tryParseQuantity,
  canonicalQuantity,
  compareQuantities,
  toMilli,
  toBytes,
} from './quantity.ts';
export type { QuantityFormat } from './quantity.ts';
export {
  type IntOrString,
  IntOrStringError,
  intOrPercentValue,
  scaledValueFromIntOrPercent,
  isPercent,
} from './intstr.ts';
export { CronError, parseCronSchedule, nextCronTime, isValidTimeZone, type CronSchedule } from './cron.ts';

export * from './labels/index.ts';
export * from './fields/index.ts';
export * from './codec/index.ts';

export { FieldPath } from './validation/path.ts';
export * as fieldErrors from './validation/errors.ts';
export { formatFieldError, aggregate as aggregateFieldErrors } from './validation/format.ts';
export * as names from './validation/names.ts';
export {
  validateObjectMeta,
  validateObjectMetaUpdate,
  nameValidatorFor,
  nameIsDNSSubdomain,
  nameIsDNSLabel,
  nameIsDNS1035Label,
  nameIsPathSegment,
  validateLabels,
  validateAnnotations,
  type NameValidator,
  type ObjectMetaOptions,
} from './validation/object-meta.ts';
export { validateObject } from './validation/object.ts';
export { validateLabelSelector, validateNodeSelector } from './validation/selectors.ts';
export { validatePodSpec, validatePodTemplateSpec } from './validation/pod-spec.ts';
export { validatePodSpecUpdate } from './validation/pod.ts';
export { validatePersistentVolumeClaimSpec } from './validation/storage.ts';

export { defaultPodSpec, defaultPodTemplate, defaultContainer, imageTag } from './defaults/pod-spec.ts';
export { generateJobSelector, controllerUidLabel, jobNameLabel } from './defaults/job.ts';
export { coreEventToEventsV1, eventsV1ToCoreEvent } from './convert/event.ts';
