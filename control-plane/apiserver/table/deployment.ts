// `kubectl get deployments`: NAME READY UP-TO-DATE AVAILABLE AGE (wide: CONTAINERS IMAGES SELECTOR).
import { ageColumn, column, int, nameColumn, type TypePrinter } from './common.ts';
import { workloadWideColumns } from './workload-columns.ts';

export const deploymentPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Ready',
      'string',
      'Number of the pod with ready state',
      (o) => `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`,
    ),
    column(
      'Up-to-date',
      'integer',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      (o) => int(o.status?.updatedReplicas),
    ),
    column(
      'Available',
      'integer',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      (o) => int(o.status?.availableReplicas),
    ),
    ageColumn,
    ...workloadWideColumns(
      (o) => o.spec?.template,
      (o) => o.spec?.selector,
    ),
  ],
};
