// A pod's CRI sandbox config (upstream kuberuntime_sandbox.go generatePodSandboxConfig): the
// identity labels, hostname, DNS, host ports, cgroup parent and the pod's log directory.
import { join } from 'node:path';
import type { Pod } from '../../api/types/pod.ts';
import type { PodSandboxConfig, PortMapping } from './cri/index.ts';
import { podDnsSettings, type ClusterDns } from './dns.ts';
import { MANAGED_LABEL, POD_NAMESPACE_LABEL, POD_NAME_LABEL, POD_UID_LABEL } from './labels.ts';

export interface SandboxContext extends ClusterDns {
  dataDir: string;
  cgroupParent: string;
}

export function podLogDirectory(dataDir: string, pod: Pod): string {
  const m = pod.metadata!;
  return join(dataDir, 'pods', `${m.namespace}_${m.name}_${m.uid}`, 'logs');
}

export function sandboxConfig(pod: Pod, ctx: SandboxContext, attempt: number): PodSandboxConfig {
  const m = pod.metadata!;
  const spec = pod.spec!;
  const dns = podDnsSettings(pod, ctx);
  const portMappings: PortMapping[] = [];
  for (const c of spec.containers ?? [])
    for (const p of c.ports ?? [])
      if (p.hostPort)
        portMappings.push({
          protocol: p.protocol ?? 'TCP',
          containerPort: p.containerPort,
          hostPort: p.hostPort,
          hostIp: p.hostIP,
        });
  const sc = spec.securityContext;
  return {
    metadata: { name: m.name!, namespace: m.namespace!, uid: m.uid!, attempt },
    hostname: spec.hostNetwork ? undefined : podHostname(pod),
    logDirectory: podLogDirectory(ctx.dataDir, pod),
    dnsConfig: { servers: dns.servers, searches: dns.searches, options: dns.options },
    portMappings,
    labels: {
      ...m.labels,
      [POD_NAME_LABEL]: m.name!,
      [POD_NAMESPACE_LABEL]: m.namespace!,
      [POD_UID_LABEL]: m.uid!,
      [MANAGED_LABEL]: 'true',
    },
    annotations: { ...m.annotations },
    linux: {
      cgroupParent: `${ctx.cgroupParent}/pod${m.uid}`,
      securityContext: {
        namespaceOptions: {
          network: spec.hostNetwork ? 'NODE' : 'POD',
          pid: spec.hostPID ? 'NODE' : 'CONTAINER',
          ipc: spec.hostIPC ? 'NODE' : 'POD',
        },
        runAsUser: sc?.runAsUser !== undefined ? { value: sc.runAsUser } : undefined,
        runAsGroup: sc?.runAsGroup !== undefined ? { value: sc.runAsGroup } : undefined,
        supplementalGroups: sc?.supplementalGroups,
      },
      sysctls: Object.fromEntries((sc?.sysctls ?? []).map((s) => [s.name, s.value])),
    },
  };
}

/** spec.hostname, else the pod name, cut to a DNS label (63 characters) as upstream does. */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname || pod.metadata!.name!;
  return name.slice(0, 63).replace(/[-.]+$/, '');
}
