// core/v1 Service validation (upstream ValidateService / ValidateServiceUpdate).
import type { FieldError } from '../resource-type.ts';
import { duplicate, forbidden, invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isDNS1123Subdomain, isIP, isIPv4, isValidCIDR, isValidIP } from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import {
  dns1123Label,
  notList,
  oneOf,
  portNumOrName,
  qualifiedName,
  supportedPortProtocols,
} from './common.ts';
import { validateLabels } from './object-meta.ts';
import { isValidPortNum } from './names.ts';

const spec = FieldPath.root('spec');
export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const kubeletPort = 10250;

const isHeadless = (s: Record<string, any>) => s.clusterIP === 'None';

function validatePort(sp: unknown, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  if (!isObject(sp)) return [typeInvalid(path, sp, 'must be an object')];
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(path.child('name'), ''));
  else if (sp.name) {
    errs.push(...dns1123Label(sp.name, path.child('name')));
    if (names.has(sp.name)) errs.push(duplicate(path.child('name'), sp.name));
    else names.add(sp.name);
  }
  for (const msg of isValidPortNum(typeof sp.port === 'number' ? sp.port : 0))
    errs.push(invalid(path.child('port'), sp.port ?? 0, msg));
  errs.push(...oneOf(sp.protocol, path.child('protocol'), supportedPortProtocols));
  errs.push(...portNumOrName(sp.targetPort, path.child('targetPort')));
  if (isSet(sp.appProtocol)) errs.push(...qualifiedName(sp.appProtocol, path.child('appProtocol')));
  if (isSet(sp.nodePort) && sp.nodePort !== 0)
    for (const msg of isValidPortNum(sp.nodePort))
      errs.push(invalid(path.child('nodePort'), sp.nodePort, msg));
  return errs;
}

function validateClusterIPs(s: Record<string, any>): FieldError[] {
  const errs: FieldError[] = [];
  const ipsPath = spec.child('clusterIPs');
  const ips = items(s.clusterIPs);
  if (s.type === 'ExternalName') {
    if (ips.length > 0) errs.push(forbidden(ipsPath, 'may not be set for ExternalName services'));
    if (items(s.ipFamilies).length > 0)
      errs.push(forbidden(spec.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (isSet(s.ipFamilyPolicy))
      errs.push(forbidden(spec.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    return errs;
  }
  if (s.clusterIP && ips.length > 0 && ips[0] !== s.clusterIP)
    errs.push(invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      return;
    }
    for (const msg of isValidIP(str(ip))) errs.push(invalid(ipsPath.index(i), ip, msg));
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (s.clusterIP && s.clusterIP !== 'None' && ips.length === 0)
    for (const msg of isValidIP(str(s.clusterIP)))
      errs.push(invalid(spec.child('clusterIP'), s.clusterIP, msg));
  const families = items(s.ipFamilies);
  if (families.length > 2)
    errs.push(invalid(spec.child('ipFamilies'), families, 'may only hold up to 2 values'));
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6')
      errs.push(notSupported(spec.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']));
    else if (seen.has(f)) errs.push(duplicate(spec.child('ipFamilies').index(i), f));
    seen.add(f);
  });
  if (isSet(s.ipFamilyPolicy)) {
    errs.push(
      ...oneOf(s.ipFamilyPolicy, spec.child('ipFamilyPolicy'), [
        'PreferDualStack',
        'RequireDualStack',
        'SingleStack',
      ]),
    );
    if (s.ipFamilyPolicy === 'SingleStack' && (ips.length > 1 || families.length > 1))
      errs.push(
        invalid(
          spec.child('ipFamilyPolicy'),
          s.ipFamilyPolicy,
          "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
        ),
      );
  }
  ips.forEach((ip, i) => {
    const fam = families[i];
    if (ip !== 'None' && isIP(str(ip)) && fam && (fam === 'IPv4') !== isIPv4(str(ip)))
      errs.push(
        invalid(ipsPath.index(i), ip, `expected an ${fam} value as indicated by \`ipFamilies[${i}]\``),
      );
  });
  return errs;
}

export function validateServiceSpec(s: unknown): FieldError[] {
  if (!isObject(s)) return [required(spec, '')];
  const errs: FieldError[] = [];
  const ports = items(s.ports);
  errs.push(...notList(s.ports, spec.child('ports')));
  if (ports.length === 0 && !isHeadless(s) && s.type !== 'ExternalName')
    errs.push(required(spec.child('ports'), ''));
  const firstIP = items(s.clusterIPs)[0] ?? s.clusterIP;
  if (s.type === 'LoadBalancer') {
    if (isHeadless(s))
      errs.push(
        invalid(
          spec.child('clusterIPs').index(0),
          firstIP,
          "may not be set to 'None' for LoadBalancer services",
        ),
      );
    ports.forEach((p, i) => {
      if (isObject(p) && p.port === kubeletPort)
        errs.push(
          invalid(
            spec.child('ports').index(i),
            p.port,
            `may not expose port ${kubeletPort} externally since it is used by kubelet`,
          ),
        );
    });
  } else if (s.type === 'NodePort') {
    if (isHeadless(s))
      errs.push(
        invalid(spec.child('clusterIPs').index(0), firstIP, "may not be set to 'None' for NodePort services"),
      );
  } else if (s.type === 'ExternalName') {
    const cname = str(s.externalName).replace(/\.$/, '');
    if (cname)
      for (const msg of isDNS1123Subdomain(cname)) errs.push(invalid(spec.child('externalName'), cname, msg));
    else errs.push(required(spec.child('externalName'), ''));
  }
  const names = new Set<string>();
  ports.forEach((p, i) =>
    errs.push(...validatePort(p, ports.length > 1, names, spec.child('ports').index(i))),
  );
  if (isSet(s.selector)) errs.push(...validateLabels(s.selector, spec.child('selector')));
  errs.push(...oneOf(s.sessionAffinity, spec.child('sessionAffinity'), ['ClientIP', 'None']));
  if (s.sessionAffinity === 'ClientIP') {
    const t =
      isObject(s.sessionAffinityConfig) && isObject(s.sessionAffinityConfig.clientIP)
        ? s.sessionAffinityConfig.clientIP.timeoutSeconds
        : undefined;
    if (!(typeof t === 'number' && t > 0 && t <= 86400))
      errs.push(
        invalid(
          spec.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'),
          t ?? 0,
          'must be greater than 0 and less than 86400',
        ),
      );
  } else if (s.sessionAffinity === 'None' && isSet(s.sessionAffinityConfig)) {
    errs.push(
      forbidden(spec.child('sessionAffinityConfig'), 'must not be set when session affinity is None'),
    );
  }
  errs.push(...validateClusterIPs(s));
  items(s.externalIPs).forEach((ip, i) => {
    for (const msg of isValidIP(str(ip))) errs.push(invalid(spec.child('externalIPs').index(i), ip, msg));
  });
  errs.push(...oneOf(s.type, spec.child('type'), serviceTypes));
  if (s.type === 'ClusterIP')
    ports.forEach((p, i) => {
      if (isObject(p) && p.nodePort)
        errs.push(
          forbidden(
            spec.child('ports').index(i).child('nodePort'),
            "may not be used when `type` is 'ClusterIP'",
          ),
        );
    });
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    if (!isObject(p)) return;
    if (p.nodePort) {
      const key = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(key))
        errs.push(duplicate(spec.child('ports').index(i).child('nodePort'), p.nodePort));
      nodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (portKeys.has(key))
      errs.push(duplicate(spec.child('ports').index(i), { protocol: p.protocol, port: p.port }));
    portKeys.add(key);
  });
  items(s.loadBalancerSourceRanges).forEach((r, i) => {
    for (const msg of isValidCIDR(str(r).trim()))
      errs.push(invalid(spec.child('loadBalancerSourceRanges').index(i), r, msg));
  });
  if (isSet(s.externalTrafficPolicy)) {
    if (s.type !== 'NodePort' && s.type !== 'LoadBalancer')
      errs.push(
        invalid(
          spec.child('externalTrafficPolicy'),
          s.externalTrafficPolicy,
          'may only be set for externally-accessible services',
        ),
      );
    else
      errs.push(...oneOf(s.externalTrafficPolicy, spec.child('externalTrafficPolicy'), ['Cluster', 'Local']));
  }
  if (isSet(s.internalTrafficPolicy))
    errs.push(...oneOf(s.internalTrafficPolicy, spec.child('internalTrafficPolicy'), ['Cluster', 'Local']));
  if (
    isSet(s.healthCheckNodePort) &&
    s.healthCheckNodePort !== 0 &&
    !(s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local')
  )
    errs.push(
      invalid(
        spec.child('healthCheckNodePort'),
        s.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  return errs;
}

/** Updates: the primary cluster IP and IP family stay put, except to or from ExternalName. */
export function validateService(obj: any, old?: any): FieldError[] {
  const errs = validateServiceSpec(obj?.spec);
  if (old === undefined || !isObject(old?.spec) || !isObject(obj?.spec)) return errs;
  const s = obj.spec;
  const o = old.spec;
  if (s.type === 'ExternalName' || o.type === 'ExternalName') return errs;
  const newIPs = items(s.clusterIPs).length ? items(s.clusterIPs) : s.clusterIP ? [s.clusterIP] : [];
  const oldIPs = items(o.clusterIPs).length ? items(o.clusterIPs) : o.clusterIP ? [o.clusterIP] : [];
  if (oldIPs.length > 0 && newIPs.length > 0 && oldIPs[0] !== newIPs[0])
    errs.push(invalid(spec.child('clusterIPs').index(0), newIPs, 'may not change once set'));
  const newFam = items(s.ipFamilies);
  const oldFam = items(o.ipFamilies);
  if (oldFam.length > 0 && newFam.length > 0 && oldFam[0] !== newFam[0])
    errs.push(invalid(spec.child('ipFamilies').index(0), newFam[0], 'may not change once set'));
  return errs;
}
