// Validation on the write paths: ObjectMeta and the type's own rules (api/validation's
// validateObject, with the immutable identity on update), then the registry strategy's; all
// failures in one 422.
import type { FieldError } from '../../../api/resource-type.ts';
import { validateObject } from '../../../api/validation/object.ts';
import { invalid } from '../status.ts';
import type { StoreContext } from './context.ts';
import type { KubeObject } from './types.ts';

export function validateForCreate(s: StoreContext, obj: KubeObject): void {
  const errs: FieldError[] = [...validateObject(s.type, obj), ...(s.strategy.validate?.(obj) ?? [])];
  if (errs.length > 0) throw invalid(s.type.kind, s.type.group, obj.metadata?.name ?? '', errs);
}

export function validateForUpdate(
  s: StoreContext,
  obj: KubeObject,
  old: KubeObject,
  extra: FieldError[] = [],
): void {
  const errs: FieldError[] = [
    ...validateObject(s.type, obj, old),
    ...(s.strategy.validateUpdate?.(obj, old) ?? []),
    ...extra,
  ];
  if (errs.length > 0) throw invalid(s.type.kind, s.type.group, obj.metadata?.name ?? '', errs);
}
