// `kubectl get hpa`: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE. TARGETS shows each
// metric as current/target (`cpu: 40%/80%`), at most two, then `+ N more...`.
import { ageColumn, column, nameColumn, quantityString, type TypePrinter } from './common.ts';

const pct = (n: unknown) => (typeof n === 'number' ? `${n}%` : undefined);

/** current/target for a Resource or ContainerResource metric: a value, or a utilization. */
function resourceTarget(spec: any, current: any): string {
  if (spec?.target?.averageValue !== undefined)
    return `${spec.name}: ${current ? quantityString(current.current?.averageValue) : '<unknown>'}/${quantityString(spec.target.averageValue)}`;
  const cur = pct(current?.current?.averageUtilization) ?? '<unknown>';
  return `${spec?.name}: ${cur}/${pct(spec?.target?.averageUtilization) ?? '<auto>'}`;
}

/** Value targets print the value, average-value targets mark it `(avg)`. */
function valueTarget(target: any, current: any): string {
  if (target?.type === 'Value' || target?.value !== undefined)
    return `${current?.value !== undefined ? quantityString(current.value) : '<unknown>'}/${quantityString(target?.value)}`;
  return `${current?.averageValue !== undefined ? quantityString(current.averageValue) : '<unknown>'}/${quantityString(target?.averageValue)} (avg)`;
}

function metricCell(spec: any, status: any): string {
  switch (spec?.type) {
    case 'Resource':
      return resourceTarget(spec.resource, status?.resource);
    case 'ContainerResource':
      return resourceTarget(spec.containerResource, status?.containerResource);
    case 'Pods':
      return `${status?.pods ? quantityString(status.pods.current?.averageValue) : '<unknown>'}/${quantityString(spec.pods?.target?.averageValue)}`;
    case 'Object':
      return valueTarget(spec.object?.target, status?.object?.current);
    case 'External':
      return valueTarget(spec.external?.target, status?.external?.current);
    default:
      return '<unknown type>';
  }
}

function targets(hpa: any): string {
  const specs: any[] = hpa?.spec?.metrics ?? [];
  if (specs.length === 0) return '<none>';
  const statuses: any[] = hpa?.status?.currentMetrics ?? [];
  const list = specs.map((s, i) => metricCell(s, statuses[i]));
  const max = 2;
  return list.length > max
    ? `${list.slice(0, max).join(', ')} + ${list.length - max} more...`
    : list.join(', ');
}

export const horizontalPodAutoscalerPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Reference',
      'string',
      'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.',
      (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}`,
    ),
    column(
      'Targets',
      'string',
      'metrics contains the specifications for which to use to calculate the desired replica count.',
      targets,
    ),
    column(
      'MinPods',
      'string',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
      (o) => (typeof o.spec?.minReplicas === 'number' ? String(o.spec.minReplicas) : '<unset>'),
    ),
    column(
      'MaxPods',
      'string',
      'maxReplicas is the upper limit for the number of pods that can be set by the autoscaler.',
      (o) => o.spec?.maxReplicas ?? 0,
    ),
    column(
      'Replicas',
      'string',
      'currentReplicas is current number of replicas of pods managed by this autoscaler.',
      (o) => o.status?.currentReplicas ?? 0,
    ),
    ageColumn,
  ],
};
