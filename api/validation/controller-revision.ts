// apps/v1 ControllerRevision validation: data is mandatory and immutable.
import type { FieldError } from '../resource-type.ts';
import { immutable, required } from './errors.ts';
import { FieldPath } from './path.ts';
import { isSet } from './shape.ts';
import { nonNegative } from './common.ts';

export function validateControllerRevision(obj: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(obj?.data)) errs.push(required(FieldPath.root('data'), 'data is mandatory'));
  if (!isSet(obj?.revision)) errs.push(required(FieldPath.root('revision'), ''));
  errs.push(...nonNegative(obj?.revision, FieldPath.root('revision')));
  if (old !== undefined) errs.push(...immutable(FieldPath.root('data'), obj?.data, old?.data));
  return errs;
}
