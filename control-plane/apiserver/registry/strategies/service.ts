// Services: status (the load balancer's ingress points) is never the client's to set on create.
// ClusterIP and NodePort allocation live with their allocators, not here.
import type { ResourceType } from '../../../../api/resource-type.ts';
import { defaultStrategy } from './default.ts';
import type { Strategy } from './strategy.ts';

export function serviceStrategy(rt: ResourceType): Strategy {
  return defaultStrategy(rt, {
    prepareForCreate: (svc) => {
      svc.status = { loadBalancer: {} };
    },
  });
}
