// ConfigMap and Secret validation: config keys, the 1 MiB limit, base64 payloads, secret types
// and the `immutable` flag (upstream ValidateConfigMap / ValidateSecret and their updates).
import type { FieldError } from '../resource-type.ts';
import { deepEqual, forbidden, immutable, invalid, required, tooLong, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isConfigMapKey } from './names.ts';
import { entries, isObject, isSet } from './shape.ts';

/** Upstream MaxSecretSize. */
export const maxDataSize = 1024 * 1024;

/** The decoded length of standard base64, or an error message like Go's. */
export function base64Length(s: string): number | string {
  const clean = s.replace(/[\r\n]/g, '');
  const m = /[^A-Za-z0-9+/=]/.exec(clean);
  if (m) return `illegal base64 data at input byte ${m.index}`;
  if (clean.length % 4 !== 0) return `illegal base64 data at input byte ${clean.length - (clean.length % 4)}`;
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const firstPad = clean.indexOf('=');
  if (firstPad >= 0 && firstPad < clean.length - pad) return `illegal base64 data at input byte ${firstPad}`;
  return (clean.length / 4) * 3 - pad;
}

function validateKeys(map: unknown, path: FieldPath, base64: boolean): { errs: FieldError[]; size: number } {
  const errs: FieldError[] = [];
  let size = 0;
  if (!isSet(map)) return { errs, size };
  if (!isObject(map)) return { errs: [typeInvalid(path, map, 'must be a map of strings')], size };
  for (const [key, value] of entries(map)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(path.key(key), key, msg));
    if (typeof value !== 'string') {
      errs.push(typeInvalid(path.key(key), value, 'must be a string'));
      continue;
    }
    if (base64) {
      const n = base64Length(value);
      if (typeof n === 'string') errs.push(invalid(path.key(key), '<value omitted>', n));
      else size += n;
    } else size += new TextEncoder().encode(value).length;
  }
  return { errs, size };
}

function immutableData(obj: any, old: any, fields: string[]): FieldError[] {
  if (old?.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj?.immutable !== true)
    errs.push(forbidden(FieldPath.root('immutable'), 'field is immutable when `immutable` is set'));
  for (const f of fields)
    if (!deepEqual(obj?.[f], old?.[f]))
      errs.push(forbidden(FieldPath.root(f), 'field is immutable when `immutable` is set'));
  return errs;
}

export function validateConfigMap(obj: any, old?: any): FieldError[] {
  const data = validateKeys(obj?.data, FieldPath.root('data'), false);
  const binary = validateKeys(obj?.binaryData, FieldPath.root('binaryData'), true);
  const errs = [...data.errs, ...binary.errs];
  if (isObject(obj?.data) && isObject(obj?.binaryData))
    for (const key of Object.keys(obj.data))
      if (Object.hasOwn(obj.binaryData, key))
        errs.push(invalid(FieldPath.root('data').key(key), key, 'duplicate of key present in binaryData'));
  if (data.size + binary.size > maxDataSize) errs.push(tooLong(FieldPath.root(''), maxDataSize));
  if (old !== undefined) errs.push(...immutableData(obj, old, ['data', 'binaryData']));
  return errs;
}

const dataKey = (k: string) => FieldPath.root('data').key(k);

function has(data: unknown, key: string): boolean {
  return isObject(data) && Object.hasOwn(data, key);
}

function decodeJSONValue(b64: unknown): string | undefined {
  if (typeof b64 !== 'string') return 'invalid';
  try {
    const text = new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? undefined
      : 'json: cannot unmarshal into Go value of type map[string]interface {}';
  } catch (err) {
    return (err as Error).message;
  }
}

export function validateSecret(obj: any, old?: any): FieldError[] {
  const { errs, size } = validateKeys(obj?.data, FieldPath.root('data'), true);
  if (size > maxDataSize) errs.push(tooLong(FieldPath.root('data'), maxDataSize));
  const data = obj?.data;
  switch (obj?.type ?? '') {
    case 'kubernetes.io/service-account-token':
      if (!obj?.metadata?.annotations?.['kubernetes.io/service-account.name'])
        errs.push(
          required(FieldPath.root('metadata', 'annotations').key('kubernetes.io/service-account.name'), ''),
        );
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = obj.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(data, key)) errs.push(required(dataKey(key), ''));
      else {
        const bad = decodeJSONValue(data[key]);
        if (bad) errs.push(invalid(dataKey(key), '<secret contents redacted>', bad));
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has(data, 'username') && !has(data, 'password'))
        errs.push(required(dataKey('username'), ''), required(dataKey('password'), ''));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!has(data, 'ssh-privatekey') || !data['ssh-privatekey'])
        errs.push(required(dataKey('ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!has(data, 'tls.crt')) errs.push(required(dataKey('tls.crt'), ''));
      if (!has(data, 'tls.key')) errs.push(required(dataKey('tls.key'), ''));
      break;
  }
  if (old !== undefined) {
    errs.push(...immutable(FieldPath.root('type'), obj?.type, old?.type));
    errs.push(...immutableData(obj, old, ['data']));
  }
  return errs;
}
