// `kubectl get statefulsets`: NAME READY AGE (wide: CONTAINERS IMAGES).
import { ageColumn, column, int, nameColumn, type TypePrinter } from './common.ts';
import { workloadWideColumns } from './workload-columns.ts';

export const statefulSetPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Ready',
      'string',
      'Number of the pod with ready state',
      (o) => `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`,
    ),
    ageColumn,
    ...workloadWideColumns((o) => o.spec?.template),
  ],
};
