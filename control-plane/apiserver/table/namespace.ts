// `kubectl get namespaces`: NAME STATUS AGE.
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';

export const namespacePrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The status of the namespace', (o) => o.status?.phase ?? ''),
    ageColumn,
  ],
};
