// `kubectl get deployment web --subresource=scale`: NAME DESIRED AVAILABLE AGE (upstream printScale).
import { ageColumn, column, int, nameColumn, type TypePrinter } from './common.ts';

export const scalePrinter: TypePrinter = {
  columns: [
    { ...nameColumn, format: '' },
    column('Desired', 'integer', 'replicas is the desired number of instances for the scaled object.', (o) =>
      int(o.spec?.replicas),
    ),
    column(
      'Available',
      'integer',
      'replicas is the actual number of observed instances of the scaled object.',
      (o) => int(o.status?.replicas),
    ),
    ageColumn,
  ],
};
