// `kubectl get nodes`: NAME STATUS ROLES AGE VERSION (wide: INTERNAL-IP EXTERNAL-IP OS-IMAGE
// KERNEL-VERSION CONTAINER-RUNTIME).
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';

/** Ready / NotReady / Unknown, plus SchedulingDisabled for a cordoned node. */
function nodeStatus(node: any): string {
  const ready = (node?.status?.conditions ?? []).find((c: any) => c?.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node?.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value, sorted. */
function nodeRoles(node: any): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(node?.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

function address(node: any, type: string): string {
  return (node?.status?.addresses ?? []).find((a: any) => a?.type === type)?.address ?? '<none>';
}

const info = (node: any, key: string) => node?.status?.nodeInfo?.[key] || '<unknown>';

export const nodePrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The status of the node', nodeStatus),
    column('Roles', 'string', 'The roles of the node', nodeRoles),
    ageColumn,
    column(
      'Version',
      'string',
      'Kubelet Version reported by the node.',
      (o) => o.status?.nodeInfo?.kubeletVersion ?? '',
    ),
    column(
      'Internal-IP',
      'string',
      'List of addresses reachable to the node.',
      (o) => address(o, 'InternalIP'),
      {
        wide: true,
      },
    ),
    column(
      'External-IP',
      'string',
      'List of addresses reachable to the node.',
      (o) => address(o, 'ExternalIP'),
      {
        wide: true,
      },
    ),
    column(
      'OS-Image',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      (o) => info(o, 'osImage'),
      { wide: true },
    ),
    column(
      'Kernel-Version',
      'string',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      (o) => info(o, 'kernelVersion'),
      { wide: true },
    ),
    column(
      'Container-Runtime',
      'string',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      (o) => info(o, 'containerRuntimeVersion'),
      { wide: true },
    ),
  ],
};
