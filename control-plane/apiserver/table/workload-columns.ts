// The wide CONTAINERS, IMAGES and SELECTOR columns every workload printer ends with.
import { column, containerImages, containerNames, formatLabelSelector, type TableColumn } from './common.ts';

/** Columns for the pod template found by `template(obj)`, and the selector found by `selector(obj)`. */
export function workloadWideColumns(
  template: (obj: any) => any,
  selector?: (obj: any) => unknown,
): TableColumn[] {
  const cols = [
    column(
      'Containers',
      'string',
      'Names of each container in the template.',
      (o) => containerNames(template(o)?.spec),
      { wide: true },
    ),
    column(
      'Images',
      'string',
      'Images referenced by each container in the template.',
      (o) => containerImages(template(o)?.spec),
      { wide: true },
    ),
  ];
  if (selector)
    cols.push(
      column('Selector', 'string', 'Label selector for pods.', (o) => formatLabelSelector(selector(o)), {
        wide: true,
      }),
    );
  return cols;
}
