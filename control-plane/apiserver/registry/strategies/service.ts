// Services: status (the load balancer's ingress points) is never the client's to set on create.
// ClusterIP and NodePort allocation live with their allocators (../allocators/); an update that
// leaves out the allocated values keeps them (upstream's patchAllocatedValues), so a PUT without
// clusterIP or nodePort does not try to change what may not change.
import type { ResourceType } from '../../../../api/resource-type.ts';
import type { KubeObject } from '../types.ts';
import { defaultStrategy } from './default.ts';
import type { Strategy } from './strategy.ts';

const needsClusterIP = (svc: KubeObject) => svc.spec?.type !== 'ExternalName';
const needsNodePorts = (svc: KubeObject) =>
  svc.spec?.type === 'NodePort' || svc.spec?.type === 'LoadBalancer';
const needsHealthCheckNodePort = (svc: KubeObject) =>
  svc.spec?.type === 'LoadBalancer' && svc.spec?.externalTrafficPolicy === 'Local';

/** Carry the allocated clusterIP(s), nodePorts and healthCheckNodePort of `old` into `svc` where it leaves them out. */
export function patchAllocatedValues(svc: KubeObject, old: KubeObject): void {
  const spec = svc.spec;
  if (!spec || !old.spec) return;
  if (needsClusterIP(svc) && needsClusterIP(old) && !spec.clusterIP && old.spec.clusterIP) {
    spec.clusterIP = old.spec.clusterIP;
    spec.clusterIPs = old.spec.clusterIPs ?? [old.spec.clusterIP];
  }
  if (needsNodePorts(svc) && needsNodePorts(old)) {
    const oldPorts: KubeObject[] = old.spec.ports ?? [];
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const prev = oldPorts.find(
        (o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort,
      );
      if (prev) p.nodePort = prev.nodePort;
    }
  }
  if (needsHealthCheckNodePort(svc) && needsHealthCheckNodePort(old) && !spec.healthCheckNodePort)
    spec.healthCheckNodePort = old.spec.healthCheckNodePort;
}

export function serviceStrategy(rt: ResourceType): Strategy {
  const base = defaultStrategy(rt);
  return defaultStrategy(rt, {
    prepareForCreate: (svc) => {
      svc.status = { loadBalancer: {} };
    },
    prepareForUpdate: (svc, old) => {
      base.prepareForUpdate(svc, old);
      patchAllocatedValues(svc, old);
    },
  });
}
