// The Endpoints and EndpointSlice of a Service whose endpoints a controller decides itself
// rather than a selector (`kubernetes` → the API server, `kube-dns` → the nodes' DNS servers):
// written when they differ from the informer's copy, and put back if someone changes them.
import {
  isAlreadyExists,
  isNotFound,
  type Client,
  type KubeObject,
  type ResourceClient,
} from '../../api/client/index.ts';
import type { EndpointSlice, Endpoints } from '../../api/types/index.ts';
import type { Kube } from './controller.ts';
import { sameJson } from './endpoint-utils.ts';

export async function ensureFixedSlice(
  client: Client,
  current: Kube<EndpointSlice> | undefined,
  wanted: Kube<EndpointSlice>,
): Promise<void> {
  if (
    current &&
    sameJson(current.endpoints ?? [], wanted.endpoints) &&
    sameJson(current.ports ?? [], wanted.ports ?? [])
  )
    return;
  await write(client.resource<Kube<EndpointSlice>>('discovery.k8s.io/v1', 'EndpointSlice'), current, wanted);
}

export async function ensureFixedEndpoints(
  client: Client,
  current: Kube<Endpoints> | undefined,
  wanted: Kube<Endpoints>,
): Promise<void> {
  if (current && sameJson(current.subsets ?? [], wanted.subsets ?? [])) return;
  await write(client.resource<Kube<Endpoints>>('v1', 'Endpoints'), current, wanted);
}

/**
 * Update over the informer's copy (keeping its uid, resourceVersion and anything else in
 * metadata), or create. Losing a race (created or deleted meanwhile) is not an error: the
 * informer's event for it queues the next sync.
 */
async function write<T extends KubeObject>(
  resource: ResourceClient<T>,
  current: T | undefined,
  wanted: T,
): Promise<void> {
  const api = resource.namespace(wanted.metadata!.namespace!);
  try {
    if (current) await api.update({ ...wanted, metadata: { ...current.metadata, ...wanted.metadata } });
    else await api.create(wanted);
  } catch (err) {
    if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
  }
}
