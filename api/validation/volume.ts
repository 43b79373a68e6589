// Pod volume validation (upstream ValidateVolumes / validateVolumeSource), for the common sources.
import type { FieldError } from '../resource-type.ts';
import { volumeSourceKeys } from '../types/volume.ts';
import { duplicate, forbidden, invalid, notSupported, required, typeInvalid } from './errors.ts';
import type { FieldPath } from './path.ts';
import { isConfigMapKey, isDNS1123Subdomain } from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import { dns1123Label, notList } from './common.ts';
import { validateObjectFieldSelector, validateResourceFieldSelector, volumeFieldPaths } from './container.ts';
import { quantityAt } from './resources.ts';
import { Quantity } from '../quantity.ts';

const fileModeMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
const hostPathTypes = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];

function fileMode(v: unknown, path: FieldPath): FieldError[] {
  if (!isSet(v)) return [];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o777
    ? []
    : [invalid(path, v, fileModeMsg)];
}

function noBacksteps(v: string, path: FieldPath): FieldError[] {
  return v.split(/[\\/]/).includes('..') ? [invalid(path, v, "must not contain '..'")] : [];
}

/** Upstream validateLocalNonReservedPath: relative, no '..', not starting with '..'. */
function localNonReservedPath(v: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (v.startsWith('/')) errs.push(invalid(path, v, 'must be a relative path'));
  errs.push(...noBacksteps(v, path));
  if (v.startsWith('..')) errs.push(invalid(path, v, "must not start with '..'"));
  return errs;
}

function keyToPaths(list: unknown, path: FieldPath): FieldError[] {
  const errs = notList(list, path);
  items(list).forEach((kp, i) => {
    const p = path.index(i);
    if (!isObject(kp)) return void errs.push(typeInvalid(p, kp, 'must be an object'));
    if (!kp.key) errs.push(required(p.child('key'), ''));
    if (!kp.path) errs.push(required(p.child('path'), ''));
    errs.push(...localNonReservedPath(str(kp.path), p.child('path')));
    errs.push(...fileMode(kp.mode, p.child('mode')));
  });
  return errs;
}

function downwardAPIItems(list: unknown, path: FieldPath): FieldError[] {
  const errs = notList(list, path);
  items(list).forEach((f, i) => {
    const p = path.index(i);
    if (!isObject(f)) return void errs.push(typeInvalid(p, f, 'must be an object'));
    if (!f.path) errs.push(required(p.child('path'), ''));
    errs.push(...localNonReservedPath(str(f.path), p.child('path')));
    errs.push(...fileMode(f.mode, p.child('mode')));
    const hasField = isSet(f.fieldRef);
    const hasResource = isSet(f.resourceFieldRef);
    if (hasField)
      errs.push(...validateObjectFieldSelector(f.fieldRef, volumeFieldPaths, p.child('fieldRef')));
    if (hasResource)
      errs.push(...validateResourceFieldSelector(f.resourceFieldRef, p.child('resourceFieldRef'), true));
    if (hasField && hasResource)
      errs.push(invalid(p, '', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    if (!hasField && !hasResource) errs.push(required(p, 'one of fieldRef and resourceFieldRef is required'));
  });
  return errs;
}

function projected(src: Record<string, any>, path: FieldPath): FieldError[] {
  const errs = fileMode(src.defaultMode, path.child('defaultMode'));
  items(src.sources).forEach((s, i) => {
    const p = path.child('sources').index(i);
    if (!isObject(s)) return void errs.push(typeInvalid(p, s, 'must be an object'));
    let count = 0;
    if (isSet(s.secret)) {
      count++;
      if (!isObject(s.secret) || !s.secret.name) errs.push(required(p.child('secret', 'name'), ''));
      else errs.push(...keyToPaths(s.secret.items, p.child('secret', 'items')));
    }
    if (isSet(s.configMap)) {
      count++;
      if (!isObject(s.configMap) || !s.configMap.name) errs.push(required(p.child('configMap', 'name'), ''));
      else errs.push(...keyToPaths(s.configMap.items, p.child('configMap', 'items')));
    }
    if (isSet(s.downwardAPI)) {
      count++;
      errs.push(
        ...downwardAPIItems(
          isObject(s.downwardAPI) ? s.downwardAPI.items : undefined,
          p.child('downwardAPI', 'items'),
        ),
      );
    }
    if (isSet(s.serviceAccountToken)) {
      count++;
      const t = isObject(s.serviceAccountToken) ? s.serviceAccountToken : {};
      const tp = p.child('serviceAccountToken');
      if (isSet(t.expirationSeconds)) {
        if (t.expirationSeconds < 600)
          errs.push(
            invalid(
              tp.child('expirationSeconds'),
              t.expirationSeconds,
              'may not specify a duration less than 10 minutes',
            ),
          );
        if (t.expirationSeconds > 2 ** 32)
          errs.push(
            invalid(
              tp.child('expirationSeconds'),
              t.expirationSeconds,
              'may not specify a duration larger than 2^32 seconds',
            ),
          );
      }
      if (!t.path) errs.push(required(tp.child('path'), ''));
      else errs.push(...localNonReservedPath(str(t.path), tp.child('path')));
    }
    if (isSet(s.clusterTrustBundle)) count++;
    if (count > 1) errs.push(forbidden(p, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

/** One source's own checks. */
function validateSource(kind: string, src: unknown, path: FieldPath): FieldError[] {
  if (!isObject(src)) return [typeInvalid(path, src, 'must be an object')];
  switch (kind) {
    case 'hostPath': {
      const errs: FieldError[] = [];
      if (!src.path) errs.push(required(path.child('path'), ''));
      else errs.push(...noBacksteps(str(src.path), path.child('path')));
      if (isSet(src.type) && !hostPathTypes.includes(src.type))
        errs.push(notSupported(path.child('type'), src.type, hostPathTypes));
      return errs;
    }
    case 'emptyDir': {
      if (!isSet(src.sizeLimit)) return [];
      const q = quantityAt(src.sizeLimit, path.child('sizeLimit'));
      if (!(q instanceof Quantity)) return [q];
      return q.sign() < 0
        ? [forbidden(path.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity')]
        : [];
    }
    case 'secret': {
      const errs: FieldError[] = [];
      if (!src.secretName) errs.push(required(path.child('secretName'), ''));
      errs.push(...fileMode(src.defaultMode, path.child('defaultMode')));
      errs.push(...keyToPaths(src.items, path.child('items')));
      return errs;
    }
    case 'configMap': {
      const errs: FieldError[] = [];
      if (!src.name) errs.push(required(path.child('name'), ''));
      else
        for (const msg of isDNS1123Subdomain(str(src.name)))
          errs.push(invalid(path.child('name'), src.name, msg));
      errs.push(...fileMode(src.defaultMode, path.child('defaultMode')));
      errs.push(...keyToPaths(src.items, path.child('items')));
      for (const kp of items(src.items))
        if (isObject(kp) && kp.key)
          for (const msg of isConfigMapKey(str(kp.key))) errs.push(invalid(path.child('items'), kp.key, msg));
      return errs;
    }
    case 'persistentVolumeClaim':
      return src.claimName ? [] : [required(path.child('claimName'), '')];
    case 'downwardAPI':
      return [
        ...fileMode(src.defaultMode, path.child('defaultMode')),
        ...downwardAPIItems(src.items, path.child('items')),
      ];
    case 'projected':
      return projected(src, path);
    case 'nfs': {
      const errs: FieldError[] = [];
      if (!src.server) errs.push(required(path.child('server'), ''));
      if (!src.path) errs.push(required(path.child('path'), ''));
      else if (!str(src.path).startsWith('/'))
        errs.push(invalid(path.child('path'), src.path, 'must be an absolute path'));
      return errs;
    }
    case 'csi':
      return src.driver ? [] : [required(path.child('driver'), '')];
    case 'ephemeral':
      return isSet(src.volumeClaimTemplate) ? [] : [required(path.child('volumeClaimTemplate'), '')];
    case 'image':
      return src.reference ? [] : [required(path.child('reference'), '')];
    default:
      return [];
  }
}

/** Exactly one source per volume; returns errors and the names that validated. */
export function validateVolumes(
  volumes: unknown,
  path: FieldPath,
): { errs: FieldError[]; names: Set<string> } {
  const errs = notList(volumes, path);
  const names = new Set<string>();
  items(volumes).forEach((vol, i) => {
    const p = path.index(i);
    if (!isObject(vol)) return void errs.push(typeInvalid(p, vol, 'must be an object'));
    const el: FieldError[] = [];
    let sources = 0;
    for (const kind of volumeSourceKeys) {
      if (!isSet(vol[kind])) continue;
      if (sources > 0) el.push(forbidden(p.child(kind), 'may not specify more than 1 volume type'));
      else el.push(...validateSource(kind, vol[kind], p.child(kind)));
      sources++;
    }
    if (sources === 0) el.push(required(p, 'must specify a volume type'));
    if (!vol.name) el.push(required(p.child('name'), ''));
    else el.push(...dns1123Label(vol.name, p.child('name')));
    if (names.has(vol.name)) el.push(duplicate(p.child('name'), vol.name));
    if (el.length === 0) names.add(vol.name);
    else errs.push(...el);
  });
  return { errs, names };
}
