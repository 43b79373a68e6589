// Compute resources and quantities: resource names, quantity syntax and sign, and requests
// within limits (upstream ValidateResourceRequirements and friends).
import type { FieldError } from '../resource-type.ts';
import { parseQuantity, numberToQuantityString, Quantity, QuantityError } from '../quantity.ts';
import { invalid, required, typeInvalid } from './errors.ts';
import type { FieldPath } from './path.ts';
import { isQualifiedName } from './names.ts';
import { entries, isObject, isSet } from './shape.ts';
import { isNegativeErrorMsg, isNotIntegerErrorMsg, isNotPositiveErrorMsg } from './common.ts';

/** The quantity at `path`, or a FieldError saying why it is not one. */
export function quantityAt(v: unknown, path: FieldPath): Quantity | FieldError {
  const text = typeof v === 'number' ? numberToQuantityString(v) : v;
  if (typeof text !== 'string') return typeInvalid(path, v, 'must be a quantity (a string or a number)');
  try {
    return parseQuantity(text);
  } catch (err) {
    return invalid(path, v, err instanceof QuantityError ? err.message : String(err));
  }
}

const isFieldError = (x: Quantity | FieldError): x is FieldError => !(x instanceof Quantity);

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
  'requests.storage',
  'storage',
]);
const integerResources = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

export const isHugePageResourceName = (name: string) => name.startsWith('hugepages-');
/** Native: no domain, or a kubernetes.io domain. */
export const isNativeResource = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
/** Extended: fully qualified outside kubernetes.io and not `requests.`-prefixed. */
export const isExtendedResourceName = (name: string) =>
  !isNativeResource(name) &&
  !name.startsWith('requests.') &&
  isQualifiedName(`requests.${name}`).length === 0;
/** Requests may be below limits for native resources except huge pages. */
export const isOvercommitAllowed = (name: string) => isNativeResource(name) && !isHugePageResourceName(name);
const isIntegerResourceName = (name: string) => integerResources.has(name) || isExtendedResourceName(name);

function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || isHugePageResourceName(name.replace(/^(requests|limits)\./, ''));
}

/** Upstream validateResourceName: qualified, and standard unless fully qualified. */
export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResourceName(name))
    return [invalid(path, name, 'must be a standard resource type or fully qualified')];
  return [];
}

export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name))
      return [...errs, invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** Non-negative, and whole for integer resources (upstream ValidateResourceQuantityValue). */
export function validateResourceQuantityValue(resource: string, v: unknown, path: FieldPath): FieldError[] {
  const q = quantityAt(v, path);
  if (isFieldError(q)) return [q];
  if (q.sign() < 0) return [invalid(path, q.toString(), isNegativeErrorMsg)];
  if (isIntegerResourceName(resource) && q.scaledValueBig(-3) % 1000n !== 0n)
    return [invalid(path, q.toString(), isNotIntegerErrorMsg)];
  return [];
}

/** Strictly positive (upstream ValidatePositiveQuantityValue). */
export function validatePositiveQuantity(v: unknown, path: FieldPath): FieldError[] {
  const q = quantityAt(v, path);
  if (isFieldError(q)) return [q];
  return q.sign() <= 0 ? [invalid(path, q.toString(), isNotPositiveErrorMsg)] : [];
}

/** A map of resource name to quantity, every entry checked with `checkName`. */
export function validateResourceList(
  list: unknown,
  path: FieldPath,
  checkName: (name: string, path: FieldPath) => FieldError[] = validateResourceName,
): FieldError[] {
  if (!isSet(list)) return [];
  if (!isObject(list)) return [typeInvalid(path, list, 'must be a map of resource name to quantity')];
  const errs: FieldError[] = [];
  for (const [name, v] of entries(list)) {
    errs.push(...checkName(name, path.key(name)));
    errs.push(...validateResourceQuantityValue(name, v, path.key(name)));
  }
  return errs;
}

/** Container resources: names, quantities, and each request within its limit. */
export function validateResourceRequirements(req: unknown, path: FieldPath): FieldError[] {
  if (!isSet(req)) return [];
  if (!isObject(req)) return [typeInvalid(path, req, 'must be an object')];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const errs = [
    ...validateResourceList(req.limits, limPath, validateContainerResourceName),
    ...validateResourceList(req.requests, reqPath, validateContainerResourceName),
  ];
  const limits = isObject(req.limits) ? req.limits : {};
  for (const [name, raw] of entries(req.requests)) {
    const request = quantityAt(raw, reqPath.key(name));
    if (isFieldError(request)) continue;
    if (Object.hasOwn(limits, name)) {
      const limit = quantityAt(limits[name], limPath.key(name));
      if (isFieldError(limit)) continue;
      if (request.cmp(limit) !== 0 && !isOvercommitAllowed(name))
        errs.push(
          invalid(reqPath, request.toString(), `must be equal to ${name} limit of ${limit.toString()}`),
        );
      else if (request.cmp(limit) > 0)
        errs.push(
          invalid(
            reqPath,
            request.toString(),
            `must be less than or equal to ${name} limit of ${limit.toString()}`,
          ),
        );
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
