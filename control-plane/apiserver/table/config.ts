// Configuration and identity types: configmaps (DATA), secrets (TYPE DATA), serviceaccounts
// (SECRETS), leases (HOLDER), resourcequotas (REQUEST LIMIT AGE). LimitRanges have no printer
// upstream: they get the default NAME and CREATED AT.
import { ageColumn, column, nameColumn, quantityString, type TypePrinter } from './common.ts';

const count = (m: unknown) => (m && typeof m === 'object' ? Object.keys(m).length : 0);

export const configMapPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Data',
      'string',
      'Data contains the configuration data.',
      (o) => count(o.data) + count(o.binaryData),
    ),
    ageColumn,
  ],
};

export const secretPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.', (o) => o.type ?? ''),
    column(
      'Data',
      'string',
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
      (o) => count({ ...o.data, ...o.stringData }),
    ),
    ageColumn,
  ],
};

export const serviceAccountPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Secrets',
      'string',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0),
    ),
    ageColumn,
  ],
};

export const leasePrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Holder',
      'string',
      'holderIdentity contains the identity of the holder of a current lease.',
      (o) => o.spec?.holderIdentity ?? '',
    ),
    ageColumn,
  ],
};

/** Upstream sorts the resource names in status.hard and puts `limits.*` in LIMIT, the rest in REQUEST. */
function quotaCells(quota: any): { request: string; limit: string } {
  const hard = quota?.status?.hard ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${quantityString(quota?.status?.used?.[name])}/${quantityString(hard[name])}`;
    (name.startsWith('limits.') ? limit : request).push(cell);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

export const resourceQuotaPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Request',
      'string',
      'Request represents a minimum amount of cpu/memory that a container may consume.',
      (o) => quotaCells(o).request,
    ),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
      (o) => quotaCells(o).limit,
    ),
    ageColumn,
  ],
};
