// PodSpec validation (upstream ValidatePodSpec) and pod templates (ValidatePodTemplateSpec).
import type { FieldError } from '../resource-type.ts';
import { forbidden, invalid, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { inclusiveRangeError, isDNS1123Subdomain, isQualifiedName, isValidIP } from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import { dns1123Label, dns1123Subdomain, isBool, nonNegative, notList, oneOf } from './common.ts';
import { validateAnnotations, validateLabels } from './object-meta.ts';
import { validateContainers, validateInitContainers } from './container.ts';
import { validateVolumes } from './volume.ts';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.ts';
import { validateResourceList } from './resources.ts';

export const restartPolicies = ['Always', 'OnFailure', 'Never'];
export const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const maxInt32 = 2147483647;

function validateDNSConfig(cfg: unknown, dnsPolicy: unknown, path: FieldPath): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!isSet(cfg)) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!isObject(cfg) || items(cfg.nameservers).length === 0)
      return [
        required(
          path.child('nameservers'),
          'must provide at least one DNS nameserver when `dnsPolicy` is None',
        ),
      ];
  }
  if (!isSet(cfg)) return [];
  if (!isObject(cfg)) return [typeInvalid(path, cfg, 'must be an object')];
  const errs: FieldError[] = [];
  const nameservers = items(cfg.nameservers);
  if (nameservers.length > 3)
    errs.push(invalid(path.child('nameservers'), nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => {
    for (const msg of isValidIP(str(ns))) errs.push(invalid(path.child('nameservers').index(i), ns, msg));
  });
  const searches = items(cfg.searches);
  if (searches.length > 32)
    errs.push(invalid(path.child('searches'), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048)
    errs.push(
      invalid(
        path.child('searches'),
        searches,
        'must not have more than 2048 characters (including spaces) in the search list',
      ),
    );
  searches.forEach((s, i) => {
    const search = str(s).replace(/\.$/, '');
    for (const msg of isDNS1123Subdomain(search))
      errs.push(invalid(path.child('searches').index(i), search, msg));
  });
  items(cfg.options).forEach((o, i) => {
    if (!isObject(o) || !o.name)
      errs.push(required(path.child('options').index(i), 'Option.Name must not be empty'));
  });
  return errs;
}

function validatePodSecurityContext(sc: unknown, path: FieldPath): FieldError[] {
  if (!isSet(sc)) return [];
  if (!isObject(sc)) return [typeInvalid(path, sc, 'must be an object')];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const v = sc[f];
    if (isSet(v) && !(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= maxInt32))
      errs.push(invalid(path.child(f), v, inclusiveRangeError(0, maxInt32)));
  }
  items(sc.supplementalGroups).forEach((g, i) => {
    if (!(typeof g === 'number' && Number.isInteger(g) && g >= 0 && g <= maxInt32))
      errs.push(invalid(path.child('supplementalGroups').index(i), g, inclusiveRangeError(0, maxInt32)));
  });
  if (isSet(sc.fsGroupChangePolicy))
    errs.push(
      ...oneOf(sc.fsGroupChangePolicy, path.child('fsGroupChangePolicy'), ['OnRootMismatch', 'Always']),
    );
  return errs;
}

/** Upstream ValidatePodSpec: everything but the pod-only and update rules. */
export function validatePodSpec(spec: unknown, path: FieldPath): FieldError[] {
  if (!isObject(spec))
    return [isSet(spec) ? typeInvalid(path, spec, 'must be an object') : required(path, '')];
  const errs: FieldError[] = [];
  const { errs: volErrs, names: volumes } = validateVolumes(spec.volumes, path.child('volumes'));
  errs.push(...volErrs);
  errs.push(
    ...validateInitContainers(spec.initContainers, spec.containers, volumes, path.child('initContainers')),
  );
  errs.push(...validateContainers(spec.containers, volumes, path.child('containers')));
  errs.push(...oneOf(spec.restartPolicy, path.child('restartPolicy'), restartPolicies));
  errs.push(...oneOf(spec.dnsPolicy, path.child('dnsPolicy'), dnsPolicies));
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, path.child('securityContext')));
  errs.push(...notList(spec.imagePullSecrets, path.child('imagePullSecrets')));
  items(spec.imagePullSecrets).forEach((s, i) => {
    if (!isObject(s)) errs.push(typeInvalid(path.child('imagePullSecrets').index(i), s, 'must be an object'));
  });
  errs.push(...validateAffinity(spec.affinity, path.child('affinity')));
  errs.push(...validateDNSConfig(spec.dnsConfig, spec.dnsPolicy, path.child('dnsConfig')));
  items(spec.readinessGates).forEach((g, i) => {
    const p = path.child('readinessGates').index(i).child('conditionType');
    for (const msg of isQualifiedName(str(isObject(g) ? g.conditionType : '')))
      errs.push(invalid(p, isObject(g) ? g.conditionType : g, msg));
  });
  const gates = new Set<string>();
  items(spec.schedulingGates).forEach((g, i) => {
    const p = path.child('schedulingGates').index(i);
    const name = isObject(g) ? g.name : undefined;
    for (const msg of isQualifiedName(str(name))) errs.push(invalid(p.child('name'), name ?? '', msg));
    if (gates.has(name)) errs.push({ type: 'FieldValueDuplicate', field: p.toString(), badValue: name });
    gates.add(name);
  });
  errs.push(
    ...validateTopologySpreadConstraints(
      spec.topologySpreadConstraints,
      path.child('topologySpreadConstraints'),
    ),
  );
  if (spec.serviceAccountName)
    errs.push(...dns1123Subdomain(spec.serviceAccountName, path.child('serviceAccountName')));
  if (spec.nodeName) errs.push(...dns1123Subdomain(spec.nodeName, path.child('nodeName')));
  if (isSet(spec.activeDeadlineSeconds)) {
    const v = spec.activeDeadlineSeconds;
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= maxInt32))
      errs.push(invalid(path.child('activeDeadlineSeconds'), v, inclusiveRangeError(1, maxInt32)));
  }
  errs.push(...nonNegative(spec.terminationGracePeriodSeconds, path.child('terminationGracePeriodSeconds')));
  if (spec.hostname) errs.push(...dns1123Label(spec.hostname, path.child('hostname')));
  if (spec.subdomain) errs.push(...dns1123Label(spec.subdomain, path.child('subdomain')));
  if (isSet(spec.tolerations)) errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  items(spec.hostAliases).forEach((a, i) => {
    const p = path.child('hostAliases').index(i);
    if (!isObject(a)) return void errs.push(typeInvalid(p, a, 'must be an object'));
    for (const msg of isValidIP(str(a.ip))) errs.push(invalid(p.child('ip'), a.ip ?? '', msg));
    items(a.hostnames).forEach((h, j) => errs.push(...dns1123Subdomain(h, p.child('hostnames').index(j))));
  });
  if (spec.priorityClassName)
    errs.push(...dns1123Subdomain(spec.priorityClassName, path.child('priorityClassName')));
  if (isSet(spec.runtimeClassName))
    errs.push(...dns1123Subdomain(spec.runtimeClassName, path.child('runtimeClassName')));
  if (isSet(spec.preemptionPolicy))
    errs.push(
      ...oneOf(spec.preemptionPolicy, path.child('preemptionPolicy'), ['Never', 'PreemptLowerPriority']),
    );
  if (isSet(spec.overhead)) errs.push(...validateResourceList(spec.overhead, path.child('overhead')));
  if (isSet(spec.os)) {
    const name = isObject(spec.os) ? spec.os.name : undefined;
    errs.push(...oneOf(name, path.child('os', 'name'), ['linux', 'windows']));
  }
  for (const f of [
    'hostNetwork',
    'hostPID',
    'hostIPC',
    'shareProcessNamespace',
    'enableServiceLinks',
    'automountServiceAccountToken',
    'setHostnameAsFQDN',
    'hostUsers',
  ])
    errs.push(...isBool(spec[f], path.child(f)));
  if (spec.hostNetwork === true) {
    // With the host's network, a container port is a host port; the two must agree.
    items(spec.containers).forEach((c, i) =>
      items(isObject(c) ? c.ports : undefined).forEach((port, j) => {
        if (isObject(port) && port.hostPort && port.hostPort !== port.containerPort)
          errs.push(
            invalid(
              path.child('containers').index(i).child('ports').index(j).child('containerPort'),
              port.containerPort,
              'must match `hostPort` when `hostNetwork` is true',
            ),
          );
      }),
    );
  }
  return errs;
}

/**
 * Upstream ValidatePodTemplateSpec: the template's labels and annotations (reported under
 * `<path>.labels`, as upstream does) and its pod spec.
 */
export function validatePodTemplateSpec(tpl: unknown, path: FieldPath): FieldError[] {
  if (!isObject(tpl)) return [isSet(tpl) ? typeInvalid(path, tpl, 'must be an object') : required(path, '')];
  const meta = isObject(tpl.metadata) ? tpl.metadata : {};
  const errs = [
    ...validateLabels(meta.labels, path.child('labels')),
    ...validateAnnotations(meta.annotations, path.child('annotations')),
    ...validatePodSpec(tpl.spec, path.child('spec')),
  ];
  if (isObject(tpl.spec) && items(tpl.spec.ephemeralContainers).length > 0)
    errs.push(
      forbidden(
        path.child('spec', 'ephemeralContainers'),
        'ephemeral containers not allowed in pod template',
      ),
    );
  return errs;
}

export const specPath = FieldPath.root('spec');
