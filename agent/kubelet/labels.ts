// The labels and annotations the kubelet puts on CRI sandboxes and containers (upstream's
// kubelet/types/labels.go and kuberuntime/labels.go), so that after a restart the agent can
// tell which pod and which container of its spec every runtime object belongs to.
export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
/** Marks sandboxes and containers this agent manages (a runtime may run other things too). */
export const MANAGED_LABEL = 'io.flotilla.managed';

export const RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';
export const TERMINATION_GRACE_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';
/** init | regular: init containers run to completion, in order, before the others. */
export const CONTAINER_KIND_ANNOTATION = 'io.flotilla.container.kind';

/** containerStatuses[].containerID and imageID carry the runtime's name as a URL scheme. */
export const RUNTIME_SCHEME = 'containerd://';
