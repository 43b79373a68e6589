// Subresources with a kind of their own, by resource: one literal table.
import type { StoreContext } from '../context.ts';
import type { SubresourceHandler } from '../types.ts';
import { bindingHandler } from './binding.ts';
import { evictionHandler } from './eviction.ts';
import { scaleHandler } from './scale.ts';

const byResource: Record<string, Record<string, (s: StoreContext) => SubresourceHandler>> = {
  '/pods': { binding: bindingHandler, eviction: evictionHandler },
  'apps/deployments': { scale: scaleHandler },
  'apps/replicasets': { scale: scaleHandler },
  'apps/statefulsets': { scale: scaleHandler },
};

export function subresourceHandlers(s: StoreContext): Map<string, SubresourceHandler> {
  const table = byResource[`${s.type.group}/${s.type.plural}`] ?? {};
  const out = new Map<string, SubresourceHandler>();
  for (const [name, make] of Object.entries(table))
    if (s.type.subresources.includes(name)) out.set(name, make(s));
  return out;
}
