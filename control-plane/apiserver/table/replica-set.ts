// `kubectl get replicasets`: NAME DESIRED CURRENT READY AGE (wide: CONTAINERS IMAGES SELECTOR).
import { ageColumn, column, int, nameColumn, type TypePrinter } from './common.ts';
import { workloadWideColumns } from './workload-columns.ts';

export const replicaSetPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Number of desired pods.', (o) => int(o.spec?.replicas)),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.', (o) =>
      int(o.status?.replicas),
    ),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.', (o) =>
      int(o.status?.readyReplicas),
    ),
    ageColumn,
    ...workloadWideColumns(
      (o) => o.spec?.template,
      (o) => o.spec?.selector,
    ),
  ],
};
