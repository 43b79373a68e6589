// Pod spec defaults like upstream's SetDefaults_PodSpec, SetDefaults_Container, probes, handlers
// and volume sources (pkg/apis/core/v1/defaults.go). Shared by pods and every pod template.
import {
  canonicalizeQuantityField,
  canonicalizeResourceList,
  eachObject,
  isObject,
  setDefault,
  setDefaultString,
} from './helpers.ts';
import { volumeSourceKeys } from '../types/volume.ts';

export const defaultTerminationGracePeriodSeconds = 30;
export const defaultSchedulerName = 'default-scheduler';
/** Mode 0644 for files projected from configMaps, secrets and the downward API. */
export const defaultFileMode = 0o644;

/** The tag of an image reference: 'latest' when none and no digest (upstream ParseImageName). */
export function imageTag(image: string): string {
  if (image.includes('@')) {
    const ref = image.slice(0, image.indexOf('@'));
    const tag = tagOf(ref);
    return tag ?? '';
  }
  return tagOf(image) ?? 'latest';
}

function tagOf(ref: string): string | undefined {
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  return colon >= 0 ? ref.slice(colon + 1) : undefined;
}

function defaultHTTPGet(h: unknown): void {
  if (!isObject(h)) return;
  setDefaultString(h, 'path', '/');
  setDefaultString(h, 'scheme', 'HTTP');
}

function defaultHandler(h: unknown): void {
  if (!isObject(h)) return;
  defaultHTTPGet(h.httpGet);
  if (isObject(h.grpc)) setDefault(h.grpc, 'service', '');
}

function defaultProbe(p: unknown): void {
  if (!isObject(p)) return;
  for (const [k, v] of [
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ] as const)
    if (p[k] === undefined || p[k] === null || p[k] === 0) p[k] = v;
  defaultHandler(p);
}

function defaultFieldRef(ref: unknown): void {
  if (isObject(ref)) setDefaultString(ref, 'apiVersion', 'v1');
}

function defaultResourceFieldRef(ref: unknown): void {
  if (!isObject(ref)) return;
  setDefault(ref, 'divisor', '0');
  canonicalizeQuantityField(ref, 'divisor');
}

export function defaultContainer(c: Record<string, any>): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === null || c.imagePullPolicy === '')
    c.imagePullPolicy =
      typeof c.image === 'string' && imageTag(c.image) !== 'latest' ? 'IfNotPresent' : 'Always';
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  eachObject(c.ports, (p) => setDefaultString(p, 'protocol', 'TCP'));
  eachObject(c.env, (e) => {
    if (!isObject(e.valueFrom)) return;
    defaultFieldRef(e.valueFrom.fieldRef);
    defaultResourceFieldRef(e.valueFrom.resourceFieldRef);
  });
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
  if (isObject(c.resources)) {
    canonicalizeResourceList(c.resources.limits);
    canonicalizeResourceList(c.resources.requests);
  }
}

export function defaultVolume(v: Record<string, any>): void {
  if (!volumeSourceKeys.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  if (isObject(v.emptyDir)) canonicalizeQuantityField(v.emptyDir, 'sizeLimit');
  if (isObject(v.hostPath)) setDefault(v.hostPath, 'type', '');
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected'])
    if (isObject(v[k])) setDefault(v[k], 'defaultMode', defaultFileMode);
  if (isObject(v.downwardAPI))
    eachObject(v.downwardAPI.items, (f) => {
      defaultFieldRef(f.fieldRef);
      defaultResourceFieldRef(f.resourceFieldRef);
    });
  if (isObject(v.projected))
    eachObject(v.projected.sources, (s) => {
      if (isObject(s.serviceAccountToken)) setDefault(s.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObject(s.downwardAPI))
        eachObject(s.downwardAPI.items, (f) => {
          defaultFieldRef(f.fieldRef);
          defaultResourceFieldRef(f.resourceFieldRef);
        });
    });
  if (isObject(v.iscsi)) setDefaultString(v.iscsi, 'iscsiInterface', 'default');
  if (
    isObject(v.ephemeral) &&
    isObject(v.ephemeral.volumeClaimTemplate) &&
    isObject(v.ephemeral.volumeClaimTemplate.spec)
  ) {
    const spec = v.ephemeral.volumeClaimTemplate.spec;
    setDefault(spec, 'volumeMode', 'Filesystem');
    if (isObject(spec.resources)) {
      canonicalizeResourceList(spec.resources.requests);
      canonicalizeResourceList(spec.resources.limits);
    }
  }
}

/** Upstream SetDefaults_PodSpec plus the defaults of everything it contains. */
export function defaultPodSpec(spec: Record<string, any>): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', defaultTerminationGracePeriodSeconds);
  setDefaultString(spec, 'schedulerName', defaultSchedulerName);
  eachObject(spec.containers, defaultContainer);
  eachObject(spec.initContainers, defaultContainer);
  eachObject(spec.ephemeralContainers, defaultContainer);
  eachObject(spec.volumes, defaultVolume);
  canonicalizeResourceList(spec.overhead);
  if (isObject(spec.resources)) {
    canonicalizeResourceList(spec.resources.limits);
    canonicalizeResourceList(spec.resources.requests);
  }
}

/** A pod template: the template and its spec exist (Go's zero structs), then pod spec defaults. */
export function defaultPodTemplate(parent: Record<string, any>, key = 'template'): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = {};
  const tpl = parent[key];
  if (!isObject(tpl)) return;
  if (tpl.spec === undefined || tpl.spec === null) tpl.spec = {};
  if (isObject(tpl.spec)) defaultPodSpec(tpl.spec);
}
