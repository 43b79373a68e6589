// Every plugin this scheduler knows, by name: the one place a new plugin is added. Profiles
// (profile.ts) pick from here by name, with arguments.
import type { PluginFactory } from './framework/framework.ts';
import { DefaultBinderPlugin } from './plugins/default-binder.ts';
import { DefaultPreemptionPlugin } from './plugins/default-preemption.ts';
import { InterPodAffinityPlugin } from './plugins/inter-pod-affinity.ts';
import * as names from './plugins/names.ts';
import { NodeAffinityPlugin } from './plugins/node-affinity.ts';
import { NodeNamePlugin } from './plugins/node-name.ts';
import { NodePortsPlugin } from './plugins/node-ports.ts';
import { BalancedAllocationPlugin } from './plugins/node-resources-balanced-allocation.ts';
import { NodeResourcesFitPlugin } from './plugins/node-resources-fit.ts';
import { NodeUnschedulablePlugin } from './plugins/node-unschedulable.ts';
import { PodTopologySpreadPlugin } from './plugins/pod-topology-spread.ts';
import { TaintTolerationPlugin } from './plugins/taint-toleration.ts';

export const inTreeRegistry: Readonly<Record<string, PluginFactory>> = {
  [names.NodeUnschedulable]: () => new NodeUnschedulablePlugin(),
  [names.NodeName]: () => new NodeNamePlugin(),
  [names.TaintToleration]: () => new TaintTolerationPlugin(),
  [names.NodeAffinity]: () => new NodeAffinityPlugin(),
  [names.NodePorts]: () => new NodePortsPlugin(),
  [names.NodeResourcesFit]: (args) => new NodeResourcesFitPlugin(args),
  [names.PodTopologySpread]: (args, handle) => new PodTopologySpreadPlugin(handle, args),
  [names.InterPodAffinity]: (args, handle) => new InterPodAffinityPlugin(handle, args),
  [names.DefaultPreemption]: (_args, handle) => new DefaultPreemptionPlugin(handle),
  [names.NodeResourcesBalancedAllocation]: (args) => new BalancedAllocationPlugin(args),
  [names.DefaultBinder]: (_args, handle) => new DefaultBinderPlugin(handle),
};
