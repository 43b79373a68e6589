// The default profile: upstream 1.32's default plugins in their order, with their score
// weights (minus the volume and image plugins, which have nothing to look at here).
import type { ProfileConfig } from './framework/framework.ts';
import * as names from './plugins/names.ts';

export const defaultSchedulerName = 'default-scheduler';

export function defaultProfile(schedulerName = defaultSchedulerName): ProfileConfig {
  return {
    schedulerName,
    plugins: [
      { name: names.NodeUnschedulable },
      { name: names.NodeName },
      { name: names.TaintToleration, weight: 3 },
      { name: names.NodeAffinity, weight: 2 },
      { name: names.NodePorts },
      { name: names.NodeResourcesFit, weight: 1 },
      { name: names.PodTopologySpread, weight: 2 },
      { name: names.InterPodAffinity, weight: 2 },
      { name: names.DefaultPreemption },
      { name: names.NodeResourcesBalancedAllocation, weight: 1 },
      { name: names.DefaultBinder },
    ],
  };
}
