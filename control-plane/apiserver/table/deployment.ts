// `kubectl get deployments`: NAME READY UP-TO-DATE AVAILABLE AGE (wide: CONTAINERS IMAGES SELECTOR).
import { labelSelectorToString } from '../../../api/labels/label-selector.ts';
import { ageColumn, column, int, nameColumn, type TypePrinter } from './common.ts';
import { workloadWideColumns } from './workload-columns.ts';

/** printDeployment formats the selector itself: empty stays empty, unlike FormatLabelSelector's <none>. */
function deploymentSelector(selector: unknown): string {
  try {
    return labelSelectorToString(selector as any);
  } catch {
    return '<invalid>';
  }
}

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
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      (o) => int(o.status?.updatedReplicas),
    ),
    column(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      (o) => int(o.status?.availableReplicas),
    ),
    ageColumn,
    ...workloadWideColumns((o) => o.spec?.template),
    column('Selector', 'string', 'Label selector for pods.', (o) => deploymentSelector(o.spec?.selector), {
      wide: true,
    }),
  ],
};
