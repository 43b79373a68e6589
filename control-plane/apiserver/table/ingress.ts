// `kubectl get ingress`: NAME CLASS HOSTS ADDRESS PORTS AGE; `kubectl get ingressclass`:
// NAME CONTROLLER PARAMETERS AGE.
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';
import { loadBalancerAddresses } from './service.ts';

/** Up to three rule hosts, `*` when no rule names one. */
function hosts(ing: any): string {
  const rules: any[] = ing?.spec?.rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule?.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

export const ingressPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
      (o) => o.spec?.ingressClassName ?? '<none>',
    ),
    column(
      'Hosts',
      'string',
      'Hosts that incoming requests are matched against before the ingress rule',
      hosts,
    ),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer', (o) =>
      loadBalancerAddresses(o.status?.loadBalancer),
    ),
    column('Ports', 'string', 'Ports of TLS configurations that open', (o) =>
      (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
    ),
    ageColumn,
  ],
};

function parameters(cls: any): string {
  const p = cls?.spec?.parameters;
  if (!p) return '<none>';
  return `${p.kind ?? ''}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
}

export const ingressClassPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Controller',
      'string',
      'Controller that is responsible for handling this class',
      (o) => o.spec?.controller ?? '',
    ),
    column('Parameters', 'string', 'A reference to a resource with additional parameters', parameters),
    ageColumn,
  ],
};
