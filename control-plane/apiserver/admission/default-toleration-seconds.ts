// The DefaultTolerationSeconds admission plugin (upstream
// plugin/pkg/admission/defaulttolerationseconds): every pod tolerates a not-ready or
// unreachable node for 300 s (configurable) unless it says otherwise, so the taint-based
// eviction of the node lifecycle controller deletes a dead node's pods after that long and
// their controllers recreate them elsewhere.
import type { Toleration } from '../../../api/types/index.ts';
import type { AdmissionPlugin } from '../registry/admission.ts';

export const notReadyTaint = 'node.kubernetes.io/not-ready';
export const unreachableTaint = 'node.kubernetes.io/unreachable';

export interface DefaultTolerationSecondsOptions {
  /** --default-not-ready-toleration-seconds. Default 300. */
  notReadySeconds?: number;
  /** --default-unreachable-toleration-seconds. Default 300. */
  unreachableSeconds?: number;
}

/** Whether the pod already has a say about NoExecute taints with this key (upstream's check). */
function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
}

export function defaultTolerationSecondsAdmission(
  opts: DefaultTolerationSecondsOptions = {},
): AdmissionPlugin {
  const notReady = opts.notReadySeconds ?? 300;
  const unreachable = opts.unreachableSeconds ?? 300;
  return {
    name: 'DefaultTolerationSeconds',
    admit(a) {
      if (a.operation !== 'CREATE' || a.type.group !== '' || a.type.plural !== 'pods') return;
      const spec = (a.object.spec ??= {});
      const tolerations: Toleration[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
      const added: Toleration[] = [];
      if (!tolerates(tolerations, notReadyTaint))
        added.push({
          key: notReadyTaint,
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: notReady,
        });
      if (!tolerates(tolerations, unreachableTaint))
        added.push({
          key: unreachableTaint,
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: unreachable,
        });
      if (added.length > 0) spec.tolerations = [...tolerations, ...added];
    },
  };
}
