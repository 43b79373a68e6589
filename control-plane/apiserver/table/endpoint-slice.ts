// `kubectl get endpointslices`: NAME ADDRESSTYPE PORTS ENDPOINTS AGE.
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';

function more(list: string[], count: number, max: number): string {
  const ret = list.join(',');
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

function ports(slice: any): string {
  const all: any[] = slice?.ports ?? [];
  const list = all
    .slice(0, 3)
    .map((p) => (typeof p?.port === 'number' ? String(p.port) : typeof p?.name === 'string' ? p.name : '*'));
  return more(list, all.length, 3);
}

function endpoints(slice: any): string {
  const addresses: string[] = (slice?.endpoints ?? []).flatMap((e: any) => e?.addresses ?? []);
  return more(addresses.slice(0, 3), addresses.length, 3);
}

export const endpointSlicePrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'AddressType',
      'string',
      'addressType specifies the type of address carried by this EndpointSlice.',
      (o) => o.addressType ?? '',
    ),
    column(
      'Ports',
      'string',
      'ports specifies the list of network ports exposed by each endpoint in this slice.',
      ports,
    ),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.', endpoints),
    ageColumn,
  ],
};
