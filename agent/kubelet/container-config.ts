// A container's CRI config (upstream kuberuntime_container.go generateContainerConfig and
// kuberuntime_container_linux.go): command, args and env with $(VAR) expansion, working dir,
// mounts, resources as cgroup settings, the security context basics, identity labels and the
// log path `<container>/<restartCount>.log` under the pod's log directory.
import { toBytes, toMilli } from '../../api/quantity.ts';
import type { Container, SecurityContext } from '../../api/types/container.ts';
import type { Pod } from '../../api/types/pod.ts';
import type { ContainerConfig, Mount } from './cri/index.ts';
import { expandReferences } from './env.ts';
import {
  CONTAINER_KIND_ANNOTATION,
  CONTAINER_NAME_LABEL,
  MANAGED_LABEL,
  POD_NAMESPACE_LABEL,
  POD_NAME_LABEL,
  POD_UID_LABEL,
  RESTART_COUNT_ANNOTATION,
  TERMINATION_GRACE_ANNOTATION,
} from './labels.ts';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  kind: 'init' | 'regular';
  attempt: number;
  env: { key: string; value: string }[];
  mounts: Mount[];
  image: string;
}

export function containerConfig(input: ContainerConfigInput): ContainerConfig {
  const { pod, container, attempt, env } = input;
  const m = pod.metadata!;
  const vars = new Map(env.map((e) => [e.key, e.value]));
  return {
    metadata: { name: container.name, attempt },
    image: { image: input.image, userSpecifiedImage: container.image },
    command: container.command?.map((c) => expandReferences(c, vars)),
    args: container.args?.map((a) => expandReferences(a, vars)),
    workingDir: container.workingDir,
    envs: env,
    mounts: input.mounts,
    labels: {
      [POD_NAME_LABEL]: m.name!,
      [POD_NAMESPACE_LABEL]: m.namespace!,
      [POD_UID_LABEL]: m.uid!,
      [CONTAINER_NAME_LABEL]: container.name,
      [MANAGED_LABEL]: 'true',
    },
    annotations: {
      [RESTART_COUNT_ANNOTATION]: String(attempt),
      [TERMINATION_GRACE_ANNOTATION]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
      [CONTAINER_KIND_ANNOTATION]: input.kind,
    },
    logPath: `${container.name}/${attempt}.log`,
    stdin: container.stdin,
    stdinOnce: container.stdinOnce,
    tty: container.tty,
    linux: {
      resources: linuxResources(container),
      securityContext: linuxSecurityContext(container.securityContext, pod),
    },
  };
}

/** CPU request as cgroup shares, CPU limit as CFS quota, memory limit (swap capped to it). */
export function linuxResources(container: Container): NonNullable<ContainerConfig['linux']>['resources'] {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const cpuRequest = requests.cpu ?? limits.cpu;
  const out: NonNullable<ContainerConfig['linux']>['resources'] = {
    cpuShares: cpuRequest
      ? Math.max(MIN_SHARES, Math.floor((toMilli(cpuRequest) * 1024) / 1000))
      : MIN_SHARES,
  };
  if (limits.cpu) {
    out.cpuPeriod = CPU_PERIOD_US;
    out.cpuQuota = Math.max(1000, Math.floor((toMilli(limits.cpu) * CPU_PERIOD_US) / 1000));
  }
  if (limits.memory) {
    out.memoryLimitInBytes = toBytes(limits.memory);
    out.memorySwapLimitInBytes = out.memoryLimitInBytes; // no swap: a breach is an OOM kill
  }
  return out;
}

function linuxSecurityContext(
  sc: SecurityContext | undefined,
  pod: Pod,
): NonNullable<ContainerConfig['linux']>['securityContext'] {
  const podSc = pod.spec?.securityContext;
  const runAsUser = sc?.runAsUser ?? podSc?.runAsUser;
  const runAsGroup = sc?.runAsGroup ?? podSc?.runAsGroup;
  return {
    privileged: sc?.privileged ?? false,
    readonlyRootfs: sc?.readOnlyRootFilesystem ?? false,
    runAsUser: runAsUser !== undefined ? { value: runAsUser } : undefined,
    runAsGroup: runAsGroup !== undefined ? { value: runAsGroup } : undefined,
    supplementalGroups: podSc?.supplementalGroups,
    noNewPrivs: sc?.allowPrivilegeEscalation === false,
    capabilities: sc?.capabilities
      ? { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] }
      : undefined,
    namespaceOptions: {
      network: pod.spec?.hostNetwork ? 'NODE' : 'POD',
      pid: pod.spec?.hostPID ? 'NODE' : pod.spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
      ipc: pod.spec?.hostIPC ? 'NODE' : 'POD',
    },
  };
}
