// Upstream's field.Error.Error() text (`spec.replicas: Invalid value: -1: must be ...`), for
// places that must produce upstream's message as a plain string (selector parse errors). The API
// server builds its 422 Status from the structured FieldErrors instead.
import type { FieldError } from '../resource-type.ts';

const typeText: Record<string, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
};

const hidesValue = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong']);

export function formatFieldError(e: FieldError): string {
  let body = typeText[e.type] ?? e.type;
  if (!hidesValue.has(e.type) && e.badValue !== undefined) body += `: ${JSON.stringify(e.badValue)}`;
  if (e.detail) body += `: ${e.detail}`;
  return `${e.field}: ${body}`;
}

/** Upstream's utilerrors.NewAggregate(...).Error(): one message, or `[a, b]`, duplicates dropped. */
export function aggregate(errs: FieldError[]): string {
  const msgs = [...new Set(errs.map(formatFieldError))];
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}
