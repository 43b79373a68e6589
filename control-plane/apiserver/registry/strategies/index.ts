// One literal table: resource -> strategy factory. Resources not listed use defaultStrategy.
import type { ResourceType } from '../../../../api/resource-type.ts';
import { certificateSigningRequestStrategy } from './certificate-signing-request.ts';
import { defaultStrategy } from './default.ts';
import { namespaceStrategy } from './namespace.ts';
import { nodeStrategy } from './node.ts';
import { podStrategy } from './pod.ts';
import { serviceStrategy } from './service.ts';
import type { Strategy } from './strategy.ts';
import { volumeStrategy } from './volume.ts';

/** PUT creates a missing object (upstream AllowCreateOnUpdate): writers that own the name. */
const createOnUpdate = (rt: ResourceType) => defaultStrategy(rt, { allowCreateOnUpdate: true });

const byResource: Record<string, (rt: ResourceType) => Strategy> = {
  '/namespaces': namespaceStrategy,
  '/nodes': nodeStrategy,
  '/pods': podStrategy,
  '/services': serviceStrategy,
  '/persistentvolumes': volumeStrategy,
  '/persistentvolumeclaims': volumeStrategy,
  '/endpoints': createOnUpdate,
  '/events': createOnUpdate,
  '/limitranges': createOnUpdate,
  'events.k8s.io/events': createOnUpdate,
  'coordination.k8s.io/leases': createOnUpdate,
  'certificates.k8s.io/certificatesigningrequests': certificateSigningRequestStrategy,
};

export function strategyFor(rt: ResourceType): Strategy {
  return (byResource[`${rt.group}/${rt.plural}`] ?? defaultStrategy)(rt);
}

export type { Strategy } from './strategy.ts';
