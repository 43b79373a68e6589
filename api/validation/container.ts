// Container validation (upstream validateContainerCommon, validateContainers,
// validateInitContainers): names, image, ports, env, mounts, probes, resources.
import type { FieldError } from '../resource-type.ts';
import { duplicate, forbidden, invalid, notFound, notSupported, required, typeInvalid } from './errors.ts';
import type { FieldPath } from './path.ts';
import {
  isConfigMapKey,
  isDNS1123Subdomain,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  isQualifiedName,
} from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import {
  dns1123Label,
  nonNegative,
  notList,
  oneOf,
  portNumOrName,
  supportedPortProtocols,
} from './common.ts';
import { validateResourceRequirements } from './resources.ts';

/** Fields a `fieldRef` may select in an env var (plus subscripted labels and annotations). */
const envFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
/** Fields a downwardAPI volume file may select. */
export const volumeFieldPaths = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];
const envResources = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** Upstream validateObjectFieldSelector. */
export function validateObjectFieldSelector(
  fs: unknown,
  valid: readonly string[],
  path: FieldPath,
): FieldError[] {
  if (!isObject(fs)) return [typeInvalid(path, fs, 'must be an object')];
  if (!fs.apiVersion) return [required(path.child('apiVersion'), '')];
  if (!fs.fieldPath) return [required(path.child('fieldPath'), '')];
  if (fs.apiVersion !== 'v1')
    return [
      invalid(
        path.child('fieldPath'),
        fs.fieldPath,
        `error converting fieldPath: field label not supported: ${fs.fieldPath}`,
      ),
    ];
  const fieldPath = str(fs.fieldPath);
  const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath);
  if (m) {
    const key = m[1] === 'metadata.annotations' ? m[2].toLowerCase() : m[2];
    return isQualifiedName(key).map((msg) => invalid(path, m[2], msg));
  }
  if (fieldPath.includes('[')) return [invalid(path, fieldPath, 'does not support subscript')];
  if (!valid.includes(fieldPath)) return [notSupported(path.child('fieldPath'), fieldPath, valid)];
  return [];
}

/** Upstream validateContainerResourceFieldSelector. */
export function validateResourceFieldSelector(fs: unknown, path: FieldPath, volume: boolean): FieldError[] {
  if (!isObject(fs)) return [typeInvalid(path, fs, 'must be an object')];
  const errs: FieldError[] = [];
  if (volume && !fs.containerName) errs.push(required(path.child('containerName'), ''));
  if (!fs.resource) errs.push(required(path.child('resource'), ''));
  else if (!envResources.includes(fs.resource) && !/^(limits|requests)\.hugepages-/.test(str(fs.resource)))
    errs.push(notSupported(path.child('resource'), fs.resource, envResources));
  return errs;
}

function validateKeySelector(s: unknown, path: FieldPath): FieldError[] {
  if (!isObject(s)) return [typeInvalid(path, s, 'must be an object')];
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(path.child('name'), ''));
  else for (const msg of isDNS1123Subdomain(str(s.name))) errs.push(invalid(path.child('name'), s.name, msg));
  if (!s.key) errs.push(required(path.child('key'), ''));
  else for (const msg of isConfigMapKey(str(s.key))) errs.push(invalid(path.child('key'), s.key, msg));
  return errs;
}

export function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  const errs = notList(env, path);
  items(env).forEach((ev, i) => {
    const p = path.index(i);
    if (!isObject(ev)) return void errs.push(typeInvalid(p, ev, 'must be an object'));
    if (!ev.name) errs.push(required(p.child('name'), ''));
    for (const msg of isRelaxedEnvVarName(str(ev.name)))
      errs.push(invalid(p.child('name'), ev.name ?? '', msg));
    if (isSet(ev.value) && typeof ev.value !== 'string')
      errs.push(typeInvalid(p.child('value'), ev.value, 'must be a string'));
    if (!isSet(ev.valueFrom)) return;
    const from = ev.valueFrom;
    const fp = p.child('valueFrom');
    if (!isObject(from)) return void errs.push(typeInvalid(fp, from, 'must be an object'));
    let sources = 0;
    if (isSet(from.fieldRef)) {
      sources++;
      errs.push(...validateObjectFieldSelector(from.fieldRef, envFieldPaths, fp.child('fieldRef')));
    }
    if (isSet(from.resourceFieldRef)) {
      sources++;
      errs.push(...validateResourceFieldSelector(from.resourceFieldRef, fp.child('resourceFieldRef'), false));
    }
    if (isSet(from.configMapKeyRef)) {
      sources++;
      errs.push(...validateKeySelector(from.configMapKeyRef, fp.child('configMapKeyRef')));
    }
    if (isSet(from.secretKeyRef)) {
      sources++;
      errs.push(...validateKeySelector(from.secretKeyRef, fp.child('secretKeyRef')));
    }
    if (sources === 0)
      errs.push(
        invalid(
          fp,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    else if (ev.value) errs.push(invalid(fp, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) errs.push(invalid(fp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

export function validateEnvFrom(envFrom: unknown, path: FieldPath): FieldError[] {
  const errs = notList(envFrom, path);
  items(envFrom).forEach((ev, i) => {
    const p = path.index(i);
    if (!isObject(ev)) return void errs.push(typeInvalid(p, ev, 'must be an object'));
    if (ev.prefix)
      for (const msg of isRelaxedEnvVarName(str(ev.prefix)))
        errs.push(invalid(p.child('prefix'), ev.prefix, msg));
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef']) {
      if (!isSet(ev[key])) continue;
      sources++;
      const ref = ev[key];
      if (!isObject(ref) || !ref.name) errs.push(required(p.child(key, 'name'), ''));
      else
        for (const msg of isDNS1123Subdomain(str(ref.name)))
          errs.push(invalid(p.child(key, 'name'), ref.name, msg));
    }
    if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1)
      errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

export function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs = notList(ports, path);
  const names = new Set<string>();
  items(ports).forEach((port, i) => {
    const p = path.index(i);
    if (!isObject(port)) return void errs.push(typeInvalid(p, port, 'must be an object'));
    if (port.name) {
      const msgs = isValidPortName(str(port.name));
      if (msgs.length) for (const msg of msgs) errs.push(invalid(p.child('name'), port.name, msg));
      else if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(p.child('containerPort'), ''));
    else
      for (const msg of isValidPortNum(port.containerPort))
        errs.push(invalid(p.child('containerPort'), port.containerPort, msg));
    if (port.hostPort)
      for (const msg of isValidPortNum(port.hostPort))
        errs.push(invalid(p.child('hostPort'), port.hostPort, msg));
    errs.push(...oneOf(port.protocol, p.child('protocol'), supportedPortProtocols));
  });
  return errs;
}

/** Host ports must not collide across the pod's containers (upstream AccumulateUniqueHostPorts). */
export function validateHostPortConflicts(
  containers: unknown[],
  path: FieldPath,
  seen = new Set<string>(),
): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    for (const port of items(isObject(c) ? c.ports : undefined)) {
      if (!isObject(port) || !port.hostPort) continue;
      const key = `${str(port.hostIP)}/${str(port.protocol)}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child('ports'), key));
      seen.add(key);
    }
  });
  return errs;
}

function localDescendingPath(v: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (v.startsWith('/')) errs.push(invalid(path, v, 'must be a relative path'));
  if (v.split(/[\\/]/).includes('..')) errs.push(invalid(path, v, "must not contain '..'"));
  return errs;
}

export function validateVolumeMounts(
  mounts: unknown,
  volumes: Set<string>,
  devices: unknown,
  path: FieldPath,
): FieldError[] {
  const errs = notList(mounts, path);
  const mountPaths = new Set<string>();
  const deviceNames = new Set(items(devices).map((d) => (isObject(d) ? d.name : undefined)));
  const devicePaths = new Set(items(devices).map((d) => (isObject(d) ? d.devicePath : undefined)));
  items(mounts).forEach((m, i) => {
    const p = path.index(i);
    if (!isObject(m)) return void errs.push(typeInvalid(p, m, 'must be an object'));
    if (!m.name) errs.push(required(p.child('name'), ''));
    if (!volumes.has(m.name)) errs.push(notFound(p.child('name'), m.name ?? ''));
    if (!m.mountPath) errs.push(required(p.child('mountPath'), ''));
    if (mountPaths.has(m.mountPath)) errs.push(invalid(p.child('mountPath'), m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
    if (deviceNames.has(m.name))
      errs.push(invalid(p.child('name'), m.name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(m.mountPath))
      errs.push(
        invalid(p.child('mountPath'), m.mountPath, 'must not already exist as a path in volumeDevices'),
      );
    if (m.subPath) errs.push(...localDescendingPath(str(m.subPath), path.child('subPath')));
    if (m.subPathExpr) {
      if (m.subPath)
        errs.push(
          invalid(p.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'),
        );
      errs.push(...localDescendingPath(str(m.subPathExpr), path.child('subPathExpr')));
    }
    if (isSet(m.mountPropagation))
      errs.push(
        ...oneOf(m.mountPropagation, path.child('mountPropagation'), [
          'Bidirectional',
          'HostToContainer',
          'None',
        ]),
      );
  });
  return errs;
}

function validateHandler(h: Record<string, any>, path: FieldPath, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let handlers = 0;
  for (const kind of kinds) {
    if (!isSet(h[kind])) continue;
    if (handlers > 0) {
      errs.push(forbidden(path.child(kind), 'may not specify more than 1 handler type'));
      continue;
    }
    handlers++;
    const a = h[kind];
    const p = path.child(kind);
    if (!isObject(a)) {
      errs.push(typeInvalid(p, a, 'must be an object'));
      continue;
    }
    if (kind === 'exec' && items(a.command).length === 0) errs.push(required(p.child('command'), ''));
    if (kind === 'httpGet') {
      if (!a.path) errs.push(required(p.child('path'), ''));
      errs.push(...portNumOrName(a.port, p.child('port')));
      if (isSet(a.scheme) && a.scheme !== 'HTTP' && a.scheme !== 'HTTPS')
        errs.push(notSupported(p.child('scheme'), a.scheme, ['HTTP', 'HTTPS']));
      for (const hdr of items(a.httpHeaders))
        if (!isObject(hdr) || !/^[-A-Za-z0-9]+$/.test(str(hdr.name)))
          errs.push(
            invalid(
              p.child('httpHeaders'),
              isObject(hdr) ? hdr.name : hdr,
              "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
            ),
          );
    }
    if (kind === 'tcpSocket') errs.push(...portNumOrName(a.port, p.child('port')));
    if (kind === 'grpc')
      for (const msg of isValidPortNum(typeof a.port === 'number' ? a.port : 0))
        errs.push(invalid(p.child('port'), a.port ?? 0, msg));
    if (kind === 'sleep' && !(typeof a.seconds === 'number' && a.seconds > 0))
      errs.push(invalid(p.child('seconds'), a.seconds ?? 0, 'must be greater than 0'));
  }
  if (handlers === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const lifecycleHandlers = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

export function validateProbe(
  probe: unknown,
  path: FieldPath,
  kind: 'liveness' | 'readiness' | 'startup',
): FieldError[] {
  if (!isSet(probe)) return [];
  if (!isObject(probe)) return [typeInvalid(path, probe, 'must be an object')];
  const errs = validateHandler(probe, path, probeHandlers);
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ])
    errs.push(...nonNegative(probe[f], path.child(f)));
  if (isSet(probe.terminationGracePeriodSeconds)) {
    if (kind === 'readiness')
      errs.push(
        invalid(
          path.child('terminationGracePeriodSeconds'),
          probe.terminationGracePeriodSeconds,
          'must not be set for readinessProbes',
        ),
      );
    else if (!(probe.terminationGracePeriodSeconds > 0))
      errs.push(
        invalid(
          path.child('terminationGracePeriodSeconds'),
          probe.terminationGracePeriodSeconds,
          'must be greater than 0',
        ),
      );
  }
  if (kind !== 'readiness' && isSet(probe.successThreshold) && probe.successThreshold !== 1)
    errs.push(invalid(path.child('successThreshold'), probe.successThreshold, 'must be 1'));
  return errs;
}

function validateLifecycle(lc: unknown, path: FieldPath): FieldError[] {
  if (!isSet(lc)) return [];
  if (!isObject(lc)) return [typeInvalid(path, lc, 'must be an object')];
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop'])
    if (isSet(lc[hook])) {
      if (!isObject(lc[hook])) errs.push(typeInvalid(path.child(hook), lc[hook], 'must be an object'));
      else errs.push(...validateHandler(lc[hook], path.child(hook), lifecycleHandlers));
    }
  return errs;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

/** Checks every container shares: upstream validateContainerCommon. */
export function validateContainerCommon(
  c: Record<string, any>,
  volumes: Set<string>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(path.child('name'), ''));
  else errs.push(...dns1123Label(c.name, path.child('name')));
  if (!c.image) errs.push(required(path.child('image'), ''));
  else if (typeof c.image !== 'string')
    errs.push(typeInvalid(path.child('image'), c.image, 'must be a string'));
  errs.push(
    ...oneOf(c.terminationMessagePolicy, path.child('terminationMessagePolicy'), [
      'File',
      'FallbackToLogsOnError',
    ]),
  );
  for (const f of ['command', 'args']) {
    errs.push(...notList(c[f], path.child(f)));
    items(c[f]).forEach((s, i) => {
      if (typeof s !== 'string') errs.push(typeInvalid(path.child(f).index(i), s, 'must be a string'));
    });
  }
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, c.volumeDevices, path.child('volumeMounts')));
  errs.push(...oneOf(c.imagePullPolicy, path.child('imagePullPolicy'), pullPolicies));
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  errs.push(...validateSecurityContext(c.securityContext, path.child('securityContext')));
  return errs;
}

function validateSecurityContext(sc: unknown, path: FieldPath): FieldError[] {
  if (!isSet(sc)) return [];
  if (!isObject(sc)) return [typeInvalid(path, sc, 'must be an object')];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    const v = sc[f];
    if (isSet(v) && !(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2147483647))
      errs.push(invalid(path.child(f), v, 'must be between 0 and 2147483647, inclusive'));
  }
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false)
    errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  if (isSet(sc.procMount))
    errs.push(...oneOf(sc.procMount, path.child('procMount'), ['Default', 'Unmasked']));
  return errs;
}

/** The app containers: upstream validateContainers. */
export function validateContainers(containers: unknown, volumes: Set<string>, path: FieldPath): FieldError[] {
  if (isSet(containers) && !Array.isArray(containers))
    return [typeInvalid(path, containers, 'must be a list')];
  const list = items(containers);
  if (list.length === 0) return [required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = path.index(i);
    if (!isObject(c)) return void errs.push(typeInvalid(p, c, 'must be an object'));
    errs.push(...validateContainerCommon(c, volumes, p));
    errs.push(...validateLifecycle(c.lifecycle, p.child('lifecycle')));
    if (names.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    else names.add(c.name);
    errs.push(...validateProbe(c.livenessProbe, p.child('livenessProbe'), 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, p.child('readinessProbe'), 'readiness'));
    errs.push(...validateProbe(c.startupProbe, p.child('startupProbe'), 'startup'));
    if (isSet(c.restartPolicy))
      errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...validateHostPortConflicts(list, path));
  return errs;
}

/** Init containers (sidecars when restartPolicy is Always); names are unique across both lists. */
export function validateInitContainers(
  containers: unknown,
  regular: unknown,
  volumes: Set<string>,
  path: FieldPath,
): FieldError[] {
  const errs = notList(containers, path);
  const names = new Set<string>(items(regular).map((c) => (isObject(c) ? c.name : undefined)));
  items(containers).forEach((c, i) => {
    const p = path.index(i);
    if (!isObject(c)) return void errs.push(typeInvalid(p, c, 'must be an object'));
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(c.name)) errs.push(duplicate(p.child('name'), c.name));
    else names.add(c.name);
    const sidecar = c.restartPolicy === 'Always';
    if (isSet(c.restartPolicy) && !sidecar)
      errs.push(notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']));
    if (sidecar) {
      errs.push(...validateLifecycle(c.lifecycle, p.child('lifecycle')));
      errs.push(...validateProbe(c.livenessProbe, p.child('livenessProbe'), 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, p.child('readinessProbe'), 'readiness'));
      errs.push(...validateProbe(c.startupProbe, p.child('startupProbe'), 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (isSet(c[f]))
          errs.push(forbidden(p.child(f), 'may not be set for init containers without restartPolicy=Always'));
    }
  });
  errs.push(...validateHostPortConflicts(items(containers), path));
  return errs;
}
