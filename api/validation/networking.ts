// networking.k8s.io/v1 Ingress and IngressClass validation.
import type { FieldError } from '../resource-type.ts';
import { immutable, invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isIP,
  isValidPortName,
  isValidPortNum,
  regexError,
} from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import { dns1123Subdomain } from './common.ts';

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];
const wildcardFmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';

function backend(b: unknown, path: FieldPath): FieldError[] {
  if (!isObject(b)) return [typeInvalid(path, b, 'must be an object')];
  const hasResource = isSet(b.resource);
  const hasService = isSet(b.service);
  if (hasResource && hasService) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = isObject(b.resource) ? b.resource : {};
    const errs: FieldError[] = [];
    if (!r.kind) errs.push(required(path.child('resource', 'kind'), ''));
    if (!r.name) errs.push(required(path.child('resource', 'name'), ''));
    return errs;
  }
  if (!hasService) return [invalid(path, '', 'resource or service backend is required')];
  const svc = isObject(b.service) ? b.service : {};
  const errs: FieldError[] = [];
  if (!svc.name) errs.push(required(path.child('service', 'name'), ''));
  else
    for (const msg of isDNS1035Label(str(svc.name)))
      errs.push(invalid(path.child('service', 'name'), svc.name, msg));
  const port = isObject(svc.port) ? svc.port : {};
  const hasName = !!port.name;
  const hasNumber = !!port.number;
  if (hasName && hasNumber) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (hasName)
    for (const msg of isValidPortName(str(port.name)))
      errs.push(invalid(path.child('service', 'port', 'name'), port.name, msg));
  else if (hasNumber)
    for (const msg of isValidPortNum(port.number))
      errs.push(invalid(path.child('service', 'port', 'number'), port.number, msg));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function httpPath(p: unknown, path: FieldPath): FieldError[] {
  if (!isObject(p)) return [typeInvalid(path, p, 'must be an object')];
  if (!isSet(p.pathType)) return [required(path.child('pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value = str(p.path);
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!value.startsWith('/'))
      errs.push(invalid(path.child('path'), p.path ?? '', 'must be an absolute path'));
    for (const seq of invalidPathSequences)
      if (value.includes(seq)) errs.push(invalid(path.child('path'), value, `must not contain '${seq}'`));
    for (const suf of invalidPathSuffixes)
      if (value.endsWith(suf)) errs.push(invalid(path.child('path'), value, `cannot end with '${suf}'`));
  } else if (p.pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/'))
      errs.push(invalid(path.child('path'), value, 'must be an absolute path'));
  } else errs.push(notSupported(path.child('pathType'), p.pathType, pathTypes));
  errs.push(...backend(p.backend, path.child('backend')));
  return errs;
}

function host(h: string, path: FieldPath): FieldError[] {
  if (isIP(h)) return [invalid(path, h, 'must be a DNS name, not an IP address')];
  if (h.includes('*')) {
    const ok = new RegExp(`^${wildcardFmt}$`).test(h) && h.length <= 253;
    return ok
      ? []
      : [
          invalid(
            path,
            h,
            regexError(
              "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
              wildcardFmt,
              '*.example.com',
            ),
          ),
        ];
  }
  return isDNS1123Subdomain(h).map((msg) => invalid(path, h, msg));
}

export function validateIngress(obj: any): FieldError[] {
  const spec = FieldPath.root('spec');
  const s = isObject(obj?.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  const rules = items(s.rules);
  if (rules.length === 0 && !isSet(s.defaultBackend))
    errs.push(invalid(spec, rules, 'either `defaultBackend` or `rules` must be specified'));
  if (isSet(s.defaultBackend)) errs.push(...backend(s.defaultBackend, spec.child('defaultBackend')));
  rules.forEach((r, i) => {
    const p = spec.child('rules').index(i);
    if (!isObject(r)) return void errs.push(typeInvalid(p, r, 'must be an object'));
    if (r.host) errs.push(...host(str(r.host), p.child('host')));
    if (isSet(r.http)) {
      const paths = isObject(r.http) ? items(r.http.paths) : [];
      if (paths.length === 0) errs.push(required(p.child('http', 'paths'), ''));
      paths.forEach((hp, j) => errs.push(...httpPath(hp, p.child('http', 'paths').index(j))));
    }
  });
  items(s.tls).forEach((t, i) => {
    items(isObject(t) ? t.hosts : undefined).forEach((h, j) =>
      errs.push(...host(str(h), spec.child('tls').index(i).child('hosts').index(j))),
    );
  });
  if (s.ingressClassName) errs.push(...dns1123Subdomain(s.ingressClassName, spec.child('ingressClassName')));
  return errs;
}

export function validateIngressClass(obj: any, old?: any): FieldError[] {
  const spec = FieldPath.root('spec');
  const s = isObject(obj?.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  const controller = str(s.controller);
  if (!controller) errs.push(required(spec.child('controller'), ''));
  else {
    const [domain, rest] = [controller.split('/')[0], controller.split('/').slice(1).join('/')];
    if (!controller.includes('/') || !domain || !rest)
      errs.push(
        invalid(
          spec.child('controller'),
          controller,
          'must be a domain-prefixed path (such as "acme.io/foo")',
        ),
      );
    else
      for (const msg of isDNS1123Subdomain(domain)) errs.push(invalid(spec.child('controller'), domain, msg));
    if (controller.length > 250)
      errs.push(invalid(spec.child('controller'), controller, 'must be no more than 250 characters'));
  }
  if (isSet(s.parameters)) {
    const p = isObject(s.parameters) ? s.parameters : {};
    if (!p.kind) errs.push(required(spec.child('parameters', 'kind'), ''));
    if (!p.name) errs.push(required(spec.child('parameters', 'name'), ''));
    if (isSet(p.scope) && p.scope !== 'Cluster' && p.scope !== 'Namespace')
      errs.push(notSupported(spec.child('parameters', 'scope'), p.scope, ['Cluster', 'Namespace']));
    if (p.scope === 'Namespace' && !p.namespace)
      errs.push(required(spec.child('parameters', 'namespace'), '`parameters.scope` is set to "Namespace"'));
  }
  if (old !== undefined)
    errs.push(...immutable(spec.child('controller'), s.controller, old?.spec?.controller));
  return errs;
}
