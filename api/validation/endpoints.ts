// core/v1 Endpoints and discovery.k8s.io/v1 EndpointSlice validation.
import type { FieldError } from '../resource-type.ts';
import { duplicate, immutable, invalid, required, tooMany, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isDNS1123Subdomain, isIPv4, isIPv6, isValidIP } from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import {
  dns1123Label,
  dns1123Subdomain,
  notList,
  oneOf,
  qualifiedName,
  supportedPortProtocols,
} from './common.ts';
import { isValidPortNum } from './names.ts';

/** Upstream ValidateNonSpecialIP: endpoints must not point at loopback, link-local or unspecified. */
function nonSpecialIP(ip: string, path: FieldPath): FieldError[] {
  if (ip === '0.0.0.0' || ip === '::') return [invalid(path, ip, 'may not be unspecified (0.0.0.0)')];
  if (ip.startsWith('127.') || ip === '::1')
    return [invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if (ip.startsWith('169.254.') || /^fe[89ab]/i.test(ip))
    return [invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  if (ip.startsWith('224.0.0.') || /^ff02:/i.test(ip))
    return [invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  return [];
}

function endpointAddress(a: unknown, path: FieldPath): FieldError[] {
  if (!isObject(a)) return [typeInvalid(path, a, 'must be an object')];
  const ip = str(a.ip);
  const msgs = isValidIP(ip);
  const errs = msgs.map((msg) => invalid(path.child('ip'), a.ip ?? '', msg));
  if (msgs.length === 0) errs.push(...nonSpecialIP(ip, path.child('ip')));
  if (a.hostname) errs.push(...dns1123Label(a.hostname, path.child('hostname')));
  if (a.nodeName)
    for (const msg of isDNS1123Subdomain(str(a.nodeName)))
      errs.push(invalid(path.child('nodeName'), a.nodeName, msg));
  return errs;
}

export function validateEndpoints(obj: any): FieldError[] {
  const path = FieldPath.root('subsets');
  const errs = notList(obj?.subsets, path);
  items(obj?.subsets).forEach((ss, i) => {
    const p = path.index(i);
    if (!isObject(ss)) return void errs.push(typeInvalid(p, ss, 'must be an object'));
    if (items(ss.addresses).length === 0 && items(ss.notReadyAddresses).length === 0)
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    items(ss.addresses).forEach((a, j) => errs.push(...endpointAddress(a, p.child('addresses').index(j))));
    items(ss.notReadyAddresses).forEach((a, j) =>
      errs.push(...endpointAddress(a, p.child('notReadyAddresses').index(j))),
    );
    const ports = items(ss.ports);
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      if (!isObject(port)) return void errs.push(typeInvalid(pp, port, 'must be an object'));
      if (ports.length > 1 && !port.name) errs.push(required(pp.child('name'), ''));
      else if (port.name) errs.push(...dns1123Label(port.name, pp.child('name')));
      for (const msg of isValidPortNum(typeof port.port === 'number' ? port.port : 0))
        errs.push(invalid(pp.child('port'), port.port ?? 0, msg));
      errs.push(...oneOf(port.protocol, pp.child('protocol'), supportedPortProtocols));
      if (isSet(port.appProtocol)) errs.push(...qualifiedName(port.appProtocol, pp.child('appProtocol')));
    });
  });
  return errs;
}

export function validateEndpointSlice(obj: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  const addressType = obj?.addressType;
  errs.push(...oneOf(addressType, FieldPath.root('addressType'), ['FQDN', 'IPv4', 'IPv6']));
  const ep = FieldPath.root('endpoints');
  const endpoints = items(obj?.endpoints);
  errs.push(...notList(obj?.endpoints, ep));
  if (endpoints.length > 1000) errs.push(tooMany(ep, endpoints.length, 1000));
  endpoints.forEach((e, i) => {
    const p = ep.index(i);
    if (!isObject(e)) return void errs.push(typeInvalid(p, e, 'must be an object'));
    const addrs = items(e.addresses);
    if (addrs.length === 0) errs.push(required(p.child('addresses'), 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(tooMany(p.child('addresses'), addrs.length, 100));
    addrs.forEach((a, j) => {
      const ap = p.child('addresses').index(j);
      const s = str(a);
      if (addressType === 'IPv4' && !isIPv4(s)) errs.push(invalid(ap, a, 'must be a valid IPv4 address'));
      else if (addressType === 'IPv6' && !isIPv6(s))
        errs.push(invalid(ap, a, 'must be a valid IPv6 address'));
      else if (addressType === 'FQDN') errs.push(...dns1123Subdomain(s.replace(/\.$/, ''), ap));
    });
    if (e.nodeName) errs.push(...dns1123Subdomain(e.nodeName, p.child('nodeName')));
    if (e.hostname) errs.push(...dns1123Label(e.hostname, p.child('hostname')));
  });
  const pp = FieldPath.root('ports');
  const ports = items(obj?.ports);
  if (ports.length > 100) errs.push(tooMany(pp, ports.length, 100));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = pp.index(i);
    if (!isObject(port)) return void errs.push(typeInvalid(p, port, 'must be an object'));
    const name = str(port.name);
    if (name) errs.push(...dns1123Label(name, p.child('name')));
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    names.add(name);
    errs.push(...oneOf(port.protocol, p.child('protocol'), supportedPortProtocols));
    if (isSet(port.port))
      for (const msg of isValidPortNum(port.port)) errs.push(invalid(p.child('port'), port.port, msg));
    if (isSet(port.appProtocol)) errs.push(...qualifiedName(port.appProtocol, p.child('appProtocol')));
  });
  if (old !== undefined)
    errs.push(...immutable(FieldPath.root('addressType'), addressType, old?.addressType));
  return errs;
}
