// Namespaces: deleting one only marks it Terminating; the namespace controller empties it and
// then clears spec.finalizers through the `finalize` subresource, which removes it. Like
// upstream's namespace REST plus the NamespaceLifecycle admission rule that keeps the system
// namespaces alive.
import type { ResourceType } from '../../../../api/resource-type.ts';
import { forbiddenBecause } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import { defaultStrategy, finalizedDuringUpdate, statusUpdate } from './default.ts';
import type { Strategy } from './strategy.ts';

/** The finalizer the namespace controller owns (upstream api.FinalizerKubernetes). */
export const kubernetesFinalizer = 'kubernetes';
export const namespaceNameLabel = 'kubernetes.io/metadata.name';
const immortal = new Set(['default', 'kube-system', 'kube-public']);

const specFinalizers = (ns: KubeObject): string[] =>
  Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers : [];

export function namespaceStrategy(rt: ResourceType): Strategy {
  return defaultStrategy(rt, {
    prepareForCreate: (ns) => {
      ns.status = { phase: 'Active' };
      const finalizers = specFinalizers(ns);
      if (!finalizers.includes(kubernetesFinalizer)) {
        ns.spec = { ...ns.spec, finalizers: [...finalizers, kubernetesFinalizer] };
      }
    },
    // spec.finalizers only change through /finalize, status only through /status.
    prepareForUpdate: (ns, old) => {
      const finalizers = old.spec?.finalizers;
      ns.spec = finalizers === undefined ? { ...ns.spec } : { ...ns.spec, finalizers };
      if (finalizers === undefined) delete ns.spec.finalizers;
      ns.status = old.status;
    },
    canonicalize: (ns) => {
      ns.metadata = {
        ...ns.metadata,
        labels: { ...ns.metadata?.labels, [namespaceNameLabel]: ns.metadata?.name },
      };
    },
    beforeDelete: (ns, _opts, now) => {
      const name = ns.metadata?.name ?? '';
      if (immortal.has(name))
        throw forbiddenBecause(
          { group: '', resource: 'namespaces' },
          name,
          'this namespace may not be deleted',
        );
      if (!ns.metadata?.deletionTimestamp) {
        ns.metadata = { ...ns.metadata, deletionTimestamp: now };
        ns.status = { ...ns.status, phase: 'Terminating' };
        return 'mark';
      }
      return specFinalizers(ns).length > 0 ? 'wait' : 'continue';
    },
    shouldDeleteDuringUpdate: (ns, old) => specFinalizers(ns).length === 0 && finalizedDuringUpdate(ns, old),
    subresourceUpdates: {
      status: statusUpdate,
      finalize: { prepareForUpdate: (ns, old) => ({ ...ns, status: old.status }) },
    },
  });
}
