// Plugin names, as upstream spells them (they appear in configuration, logs and events).
export const NodeName = 'NodeName';
export const NodeUnschedulable = 'NodeUnschedulable';
export const NodePorts = 'NodePorts';
export const NodeResourcesFit = 'NodeResourcesFit';
export const NodeResourcesBalancedAllocation = 'NodeResourcesBalancedAllocation';
export const NodeAffinity = 'NodeAffinity';
export const TaintToleration = 'TaintToleration';
export const InterPodAffinity = 'InterPodAffinity';
export const PodTopologySpread = 'PodTopologySpread';
export const DefaultPreemption = 'DefaultPreemption';
export const DefaultBinder = 'DefaultBinder';
