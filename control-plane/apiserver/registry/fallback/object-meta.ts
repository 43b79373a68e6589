// STOPGAP until api/ exports validateObjectMeta: the ObjectMeta rules every type shares
// (upstream apimachinery ValidateObjectMeta / ValidateObjectMetaUpdate), reduced to what
// matters most: names, labels, annotations, immutable identity, no new finalizers while
// deleting. Replace the import in ../validation.ts and delete this file when it lands.
import type { FieldError } from '../../../../api/resource-type.ts';
import { forbidden, invalid, required, tooLong } from '../../../../api/validation/errors.ts';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
} from '../../../../api/validation/names.ts';

export type NameValidator = (name: string) => string[];

/** Per-resource name rules, as upstream's ValidateXxxName functions pick them. */
export function nameValidatorFor(plural: string, group: string): NameValidator {
  if (group === '' && plural === 'namespaces') return isDNS1123Label;
  if (group === '' && plural === 'services') return isDNS1035Label;
  return isDNS1123Subdomain;
}

const totalAnnotationSizeLimitB = 256 * 1024;

export function validateObjectMeta(
  meta: any,
  namespaced: boolean,
  validateName: NameValidator,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta.name) {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of [...validateName(meta.name), ...isValidPathSegmentName(meta.name)])
      errs.push(invalid('metadata.name', meta.name, msg));
  }
  if (namespaced && !meta.namespace) errs.push(required('metadata.namespace'));
  if (!namespaced && meta.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  errs.push(...validateStringMap(meta.labels, 'metadata.labels', isValidLabelValue));
  errs.push(...validateStringMap(meta.annotations, 'metadata.annotations'));
  if (meta.annotations && typeof meta.annotations === 'object') {
    let size = 0;
    for (const [k, v] of Object.entries(meta.annotations)) size += k.length + String(v).length;
    if (size > totalAnnotationSizeLimitB)
      errs.push(tooLong('metadata.annotations', totalAnnotationSizeLimitB));
  }
  if (meta.finalizers !== undefined && !Array.isArray(meta.finalizers)) {
    errs.push(invalid('metadata.finalizers', meta.finalizers, 'must be a list'));
  } else {
    (meta.finalizers ?? []).forEach((f: unknown, i: number) => {
      const msgs = typeof f === 'string' ? isQualifiedName(f) : ['must be a string'];
      for (const msg of msgs) errs.push(invalid(`metadata.finalizers[${i}]`, f, msg));
    });
  }
  return errs;
}

export function validateObjectMetaUpdate(meta: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.uid !== old.uid) errs.push(invalid('metadata.uid', meta.uid, 'field is immutable'));
  if (old.deletionTimestamp) {
    const before = new Set<string>(old.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f: string) => !before.has(f));
    if (added.length > 0) {
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f: string) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  return errs;
}

function validateStringMap(
  map: unknown,
  path: string,
  validateValue?: (v: string) => string[],
): FieldError[] {
  if (map === undefined || map === null) return [];
  if (typeof map !== 'object' || Array.isArray(map)) return [invalid(path, map, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(map)) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    if (typeof v !== 'string') errs.push(invalid(`${path}[${k}]`, v, 'must be a string'));
    else if (validateValue) for (const msg of validateValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}
