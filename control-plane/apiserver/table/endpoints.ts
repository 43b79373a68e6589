// `kubectl get endpoints`: NAME ENDPOINTS AGE, at most three `ip:port` then `+ N more...`.
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';

/** net.JoinHostPort: brackets around IPv6 addresses. */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function formatEndpoints(ep: any): string {
  const subsets: any[] = ep?.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses: any[] = ss?.addresses ?? [];
    const ports: any[] = ss?.ports ?? [];
    // Headless services may have no ports: addresses alone.
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(a?.ip ?? '');
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(hostPort(a?.ip ?? '', p?.port ?? 0));
    }
  }
  const ret = list.join(',');
  return count > max ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Endpoints', 'string', 'Endpoints of the service', formatEndpoints),
    ageColumn,
  ],
};
