// The namespaces every cluster has from the start (upstream's system namespaces controller
// creates them at API server start-up).
import { StatusError } from '../status.ts';
import type { RequestContext, ResourceRegistry } from './types.ts';

export const defaultNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const systemContext: RequestContext = {
  user: { username: 'system:apiserver', groups: ['system:masters'] },
  warnings: [],
};

/** Create the system namespaces that do not exist yet; safe to call on every start. */
export async function ensureDefaultNamespaces(
  registries: ReadonlyMap<string, ResourceRegistry>,
): Promise<void> {
  const namespaces = registries.get('/v1/namespaces');
  if (!namespaces) throw new Error('namespaces are not served');
  for (const name of defaultNamespaces) {
    try {
      await namespaces.create(systemContext, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!(err instanceof StatusError && err.status.reason === 'AlreadyExists')) throw err;
    }
  }
}
