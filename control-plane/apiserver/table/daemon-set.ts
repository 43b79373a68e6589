// `kubectl get daemonsets`: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE
// (wide: CONTAINERS IMAGES SELECTOR).
import { ageColumn, column, formatLabels, int, nameColumn, type TypePrinter } from './common.ts';
import { workloadWideColumns } from './workload-columns.ts';

export const daemonSetPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Desired',
      'integer',
      'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
      (o) => int(o.status?.desiredNumberScheduled),
    ),
    column(
      'Current',
      'integer',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      (o) => int(o.status?.currentNumberScheduled),
    ),
    column(
      'Ready',
      'integer',
      'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
      (o) => int(o.status?.numberReady),
    ),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod', (o) =>
      int(o.status?.updatedNumberScheduled),
    ),
    column(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      (o) => int(o.status?.numberAvailable),
    ),
    column(
      'Node Selector',
      'string',
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
      (o) => formatLabels(o.spec?.template?.spec?.nodeSelector),
    ),
    ageColumn,
    ...workloadWideColumns(
      (o) => o.spec?.template,
      (o) => o.spec?.selector,
    ),
  ],
};
