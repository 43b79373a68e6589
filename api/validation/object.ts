// Everything the API server checks on a write, in one call: ObjectMeta (with the kind's name
// rule and, on update, the immutable identity) and then the type's own rules.
import type { FieldError, ResourceType } from '../resource-type.ts';
import { nameValidatorFor, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

export function validateObject(rt: ResourceType, obj: any, old?: any): FieldError[] {
  const errs = validateObjectMeta(obj?.metadata, {
    namespaced: rt.namespaced,
    nameValidator: nameValidatorFor(rt.group, rt.kind),
  });
  if (old !== undefined) errs.push(...validateObjectMetaUpdate(obj?.metadata, old?.metadata));
  errs.push(...(rt.validate?.(obj, old) ?? []));
  return errs;
}
