// Nodes: the kubelet registers its node with a filled-in status (addresses, capacity), so unlike
// other types the status a client sends on create is kept.
import type { ResourceType } from '../../../../api/resource-type.ts';
import { defaultStrategy } from './default.ts';
import type { Strategy } from './strategy.ts';

export function nodeStrategy(rt: ResourceType): Strategy {
  return defaultStrategy(rt, { prepareForCreate: () => {} });
}
