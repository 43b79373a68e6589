// ObjectMeta validation every type shares (upstream apimachinery ValidateObjectMeta and
// ValidateObjectMetaUpdate, plus core's finalizer-name rule), and the per-kind name rules.
import type { FieldError } from '../resource-type.ts';
import { forbidden, immutable, invalid, required, tooLong, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
} from './names.ts';
import { entries, isObject, isSet, items } from './shape.ts';

/** Checks a name (or, with prefix=true, a generateName prefix) and returns upstream's messages. */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** generateName prefixes may end in '-': mask it so the name rules can judge the rest. */
const maskTrailingDash = (name: string) =>
  name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;

export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (prefix) {
    const errs: string[] = [];
    for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
    return errs;
  }
  return isValidPathSegmentName(name);
};

/** The name rule upstream's ValidateXxxName picks for each kind. */
export function nameValidatorFor(group: string, kind: string): NameValidator {
  if (group === '') {
    if (kind === 'Namespace') return nameIsDNSLabel;
    if (kind === 'Service') return nameIsDNS1035Label;
    if (kind === 'PersistentVolume') return nameIsPathSegment;
    // core/v1 Events are named `<object>.<hex>`; upstream never checks them beyond path segments.
    if (kind === 'Event') return nameIsPathSegment;
  }
  return nameIsDNSSubdomain;
}

export interface ObjectMetaOptions {
  /** Whether the type lives in namespaces (metadata.namespace is required iff it does). */
  namespaced: boolean;
  /** Name rule for the kind; defaults to DNS-1123 subdomain. */
  nameValidator?: NameValidator;
  /** Path of the metadata; `metadata` for objects, `spec.template.metadata` for templates. */
  path?: FieldPath;
}

/** Upstream TotalAnnotationSizeLimitB. */
export const totalAnnotationSizeLimitB = 256 * 1024;

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions): FieldError[] {
  const path = opts.path ?? FieldPath.root('metadata');
  const nameValidator = opts.nameValidator ?? nameIsDNSSubdomain;
  if (!isObject(meta)) return [required(path, '')];
  const errs: FieldError[] = [];

  const name = meta.name;
  const generateName = meta.generateName;
  if (isSet(generateName)) {
    if (typeof generateName !== 'string')
      errs.push(typeInvalid(path.child('generateName'), generateName, 'must be a string'));
    else if (generateName !== '')
      for (const msg of nameValidator(generateName, true))
        errs.push(invalid(path.child('generateName'), generateName, msg));
  }
  if (!isSet(name) || name === '') {
    if (!generateName) errs.push(required(path.child('name'), 'name or generateName is required'));
  } else if (typeof name !== 'string') {
    errs.push(typeInvalid(path.child('name'), name, 'must be a string'));
  } else {
    for (const msg of nameValidator(name, false)) errs.push(invalid(path.child('name'), name, msg));
  }

  const namespace = meta.namespace;
  if (opts.namespaced) {
    if (!isSet(namespace) || namespace === '') errs.push(required(path.child('namespace'), ''));
    else if (typeof namespace !== 'string')
      errs.push(typeInvalid(path.child('namespace'), namespace, 'must be a string'));
    else
      for (const msg of isDNS1123Label(namespace))
        errs.push(invalid(path.child('namespace'), namespace, msg));
  } else if (isSet(namespace) && namespace !== '') {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }

  if (isSet(meta.generation) && (typeof meta.generation !== 'number' || meta.generation < 0))
    errs.push(invalid(path.child('generation'), meta.generation, 'must be greater than or equal to 0'));
  if (isSet(meta.deletionGracePeriodSeconds) && typeof meta.deletionGracePeriodSeconds !== 'number')
    errs.push(
      typeInvalid(
        path.child('deletionGracePeriodSeconds'),
        meta.deletionGracePeriodSeconds,
        'must be an integer',
      ),
    );

  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  if (isSet(meta.managedFields) && !Array.isArray(meta.managedFields))
    errs.push(typeInvalid(path.child('managedFields'), meta.managedFields, 'must be a list'));
  return errs;
}

/** Label keys are qualified names and values label values (upstream ValidateLabels). */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  if (!isSet(labels)) return [];
  if (!isObject(labels)) return [typeInvalid(path, labels, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of entries(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    if (typeof v !== 'string') errs.push(typeInvalid(path.key(k), v, 'must be a string'));
    else for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** Annotation keys are qualified names (compared lower-cased); all of them together at most 256 KiB. */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  if (!isSet(annotations)) return [];
  if (!isObject(annotations)) return [typeInvalid(path, annotations, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    if (typeof v !== 'string') errs.push(typeInvalid(path.key(k), v, 'must be a string'));
    size += utf8Length(k) + (typeof v === 'string' ? utf8Length(v) : 0);
  }
  if (size > totalAnnotationSizeLimitB) errs.push(tooLong(path, totalAnnotationSizeLimitB));
  return errs;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  if (!isSet(refs)) return [];
  if (!Array.isArray(refs)) return [typeInvalid(path, refs, 'must be a list')];
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  items(refs).forEach((ref, i) => {
    const p = path.index(i);
    if (!isObject(ref)) {
      errs.push(typeInvalid(p, ref, 'must be an object'));
      return;
    }
    const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
    if (
      apiVersion === '' ||
      (apiVersion.includes('/') && apiVersion.split('/').some((s: string) => s === ''))
    )
      errs.push(invalid(p.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(p.child('kind'), ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(p.child('name'), ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(p.child('uid'), ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1)
    errs.push(
      invalid(
        path,
        refs,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`,
      ),
    );
  return errs;
}

/**
 * Finalizers are qualified names (upstream ValidateFinalizers, errors on the list's path) and,
 * for unqualified ones, standard names (core's validateKubeFinalizerName, errors per index).
 */
export function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  if (!isSet(finalizers)) return [];
  if (!Array.isArray(finalizers)) return [typeInvalid(path, finalizers, 'must be a list')];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  finalizers.forEach((f, i) => {
    if (typeof f !== 'string') {
      errs.push(typeInvalid(path.index(i), f, 'must be a string'));
      return;
    }
    for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
    seen.add(f);
  });
  if (seen.has('orphan') && seen.has('foregroundDeletion'))
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  finalizers.forEach((f, i) => {
    if (typeof f === 'string' && f.split('/').length === 1 && !standardFinalizers.has(f))
      errs.push(
        invalid(path.index(i), f, 'name is neither a standard finalizer name nor is it fully qualified'),
      );
  });
  return errs;
}

/**
 * Update rules (upstream ValidateObjectMetaUpdate): identity and deletion state are immutable,
 * generation never goes down, and no finalizer may be added to an object being deleted. Like
 * upstream's rest.BeforeUpdate, the server should first carry over uid, creationTimestamp and
 * deletion fields the client left out.
 */
export function validateObjectMetaUpdate(
  meta: unknown,
  old: unknown,
  path = FieldPath.root('metadata'),
): FieldError[] {
  if (!isObject(meta) || !isObject(old)) return [];
  const errs: FieldError[] = [];
  errs.push(...immutable(path.child('name'), meta.name, old.name));
  errs.push(...immutable(path.child('namespace'), meta.namespace ?? '', old.namespace ?? ''));
  errs.push(...immutable(path.child('uid'), meta.uid, old.uid));
  errs.push(...immutable(path.child('creationTimestamp'), meta.creationTimestamp, old.creationTimestamp));
  errs.push(...immutable(path.child('deletionTimestamp'), meta.deletionTimestamp, old.deletionTimestamp));
  errs.push(
    ...immutable(
      path.child('deletionGracePeriodSeconds'),
      meta.deletionGracePeriodSeconds,
      old.deletionGracePeriodSeconds,
    ),
  );
  if (
    typeof meta.generation === 'number' &&
    typeof old.generation === 'number' &&
    meta.generation < old.generation
  )
    errs.push(invalid(path.child('generation'), meta.generation, 'must not be decremented'));
  if (isSet(old.deletionTimestamp)) {
    const before = new Set(items<string>(old.finalizers));
    const added = items<string>(meta.finalizers).filter((f) => !before.has(f));
    if (added.length)
      errs.push(
        forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
  }
  return errs;
}
