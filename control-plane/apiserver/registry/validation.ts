// Validation on the write paths: the type's own rules (ResourceType.validate, from api/), the
// registry strategy's, then the ObjectMeta rules every type shares; all failures in one 422.
import type { FieldError } from '../../../api/resource-type.ts';
import { invalid } from '../status.ts';
import type { StoreContext } from './context.ts';
import { nameValidatorFor, validateObjectMeta, validateObjectMetaUpdate } from './fallback/object-meta.ts';
import type { KubeObject } from './types.ts';

export function validateForCreate(s: StoreContext, obj: KubeObject): void {
  const errs: FieldError[] = [
    ...(s.type.validate?.(obj) ?? []),
    ...(s.strategy.validate?.(obj) ?? []),
    ...validateObjectMeta(obj.metadata, s.type.namespaced, nameValidatorFor(s.type.plural, s.type.group)),
  ];
  if (errs.length > 0) throw invalid(s.type.kind, s.type.group, obj.metadata?.name ?? '', errs);
}

export function validateForUpdate(
  s: StoreContext,
  obj: KubeObject,
  old: KubeObject,
  extra: FieldError[] = [],
): void {
  const errs: FieldError[] = [
    ...(s.type.validate?.(obj, old) ?? []),
    ...(s.strategy.validateUpdate?.(obj, old) ?? []),
    ...extra,
    ...validateObjectMeta(obj.metadata, s.type.namespaced, nameValidatorFor(s.type.plural, s.type.group)),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
  ];
  if (errs.length > 0) throw invalid(s.type.kind, s.type.group, obj.metadata?.name ?? '', errs);
}
