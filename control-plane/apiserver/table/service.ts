// `kubectl get services`: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE (wide: SELECTOR).
import { ageColumn, column, formatLabels, nameColumn, type TypePrinter } from './common.ts';

/** Load balancer ingress IPs or hostnames, sorted and unique (the server prints them untruncated). */
export function loadBalancerAddresses(status: any): string {
  const addresses = (status?.ingress ?? [])
    .map((i: any) => i?.ip || i?.hostname || '')
    .filter((s: string) => s !== '');
  return [...new Set<string>(addresses)].sort().join(',');
}

function externalIP(svc: any): string {
  const externalIPs: string[] = svc?.spec?.externalIPs ?? [];
  switch (svc?.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc?.status?.loadBalancer);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc?.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `80/TCP`, `80:30080/TCP` with a node port. */
function ports(svc: any): string {
  const list: any[] = svc?.spec?.ports ?? [];
  if (list.length === 0) return '<none>';
  return list
    .map((p) => (p?.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
    .join(',');
}

export const servicePrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Type', 'string', 'type determines how the Service is exposed.', (o) => o.spec?.type ?? ''),
    column(
      'Cluster-IP',
      'string',
      'clusterIP is the IP address of the service and is usually assigned randomly.',
      (o) => o.spec?.clusterIPs?.[0] || o.spec?.clusterIP || '<none>',
    ),
    column(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
      externalIP,
    ),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.', ports),
    ageColumn,
    column(
      'Selector',
      'string',
      'Route service traffic to pods with label keys and values matching this selector.',
      (o) => formatLabels(o.spec?.selector),
      { wide: true },
    ),
  ],
};
