// Pod defaults: the pod spec's, plus what upstream's SetDefaults_Pod adds for bare pods only
// (requests from limits, service links, host ports under hostNetwork).
import { defaultPodSpec } from './pod-spec.ts';
import { child, eachObject, isObject, setDefault } from './helpers.ts';

function requestsFromLimits(c: Record<string, any>): void {
  if (!isObject(c.resources) || !isObject(c.resources.limits)) return;
  const requests = child(c.resources, 'requests');
  if (!requests) return;
  for (const [k, v] of Object.entries(c.resources.limits)) if (!Object.hasOwn(requests, k)) requests[k] = v;
}

function hostNetworkPorts(c: Record<string, any>): void {
  eachObject(c.ports, (p) => {
    if (p.hostPort === undefined || p.hostPort === null || p.hostPort === 0) p.hostPort = p.containerPort;
  });
}

export function defaultPod(pod: any): void {
  if (!isObject(pod)) return;
  const spec = child(pod, 'spec');
  if (!spec) return;
  defaultPodSpec(spec);
  eachObject(spec.containers, requestsFromLimits);
  eachObject(spec.initContainers, requestsFromLimits);
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    eachObject(spec.containers, hostNetworkPorts);
    eachObject(spec.initContainers, hostNetworkPorts);
  }
}
