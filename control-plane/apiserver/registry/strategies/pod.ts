// Pods: status starts Pending with the QoS class; deletion is graceful once the pod is bound to
// a node, so the kubelet can stop its containers before the object goes.
import type { ResourceType } from '../../../../api/resource-type.ts';
import { defaultStrategy } from './default.ts';
import { podQOSClass } from './pod-qos.ts';
import type { Strategy } from './strategy.ts';

/** Upstream's DefaultTerminationGracePeriodSeconds. */
const defaultTerminationGracePeriodSeconds = 30;

export function podStrategy(rt: ResourceType): Strategy {
  return defaultStrategy(rt, {
    prepareForCreate: (pod) => {
      pod.status = { phase: 'Pending', qosClass: podQOSClass(pod) };
    },
    // Upstream podStrategy.CheckGracefulDelete.
    checkGracefulDelete: (pod, opts) => {
      let period =
        opts.gracePeriodSeconds ??
        pod.spec?.terminationGracePeriodSeconds ??
        defaultTerminationGracePeriodSeconds;
      // Nothing runs yet (unscheduled) or any more (finished): nothing to wait for.
      if (!pod.spec?.nodeName) period = 0;
      if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') period = 0;
      return period < 0 ? 1 : period;
    },
  });
}
