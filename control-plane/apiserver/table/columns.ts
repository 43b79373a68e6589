// Which printer each served type uses, keyed by `group/Kind`, like upstream's
// AddHandlers(printers.go). Types without one (LimitRange) get NAME and CREATED AT, like
// upstream's default convertor. Each printer lives in its own module; this is the one registry.
import { createdAtColumn, nameColumn, type TableColumn, type TypePrinter } from './common.ts';
import {
  configMapPrinter,
  leasePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './config.ts';
import { certificateSigningRequestPrinter } from './certificate-signing-request.ts';
import { controllerRevisionPrinter } from './controller-revision.ts';
import { cronJobPrinter } from './cron-job.ts';
import { daemonSetPrinter } from './daemon-set.ts';
import { deploymentPrinter } from './deployment.ts';
import { endpointSlicePrinter } from './endpoint-slice.ts';
import { endpointsPrinter } from './endpoints.ts';
import { eventPrinter } from './event.ts';
import { horizontalPodAutoscalerPrinter } from './horizontal-pod-autoscaler.ts';
import { ingressClassPrinter, ingressPrinter } from './ingress.ts';
import { jobPrinter } from './job.ts';
import { namespacePrinter } from './namespace.ts';
import { nodePrinter } from './node.ts';
import { podPrinter } from './pod.ts';
import { priorityClassPrinter } from './priority-class.ts';
import { replicaSetPrinter } from './replica-set.ts';
import { scalePrinter } from './scale.ts';
import { servicePrinter } from './service.ts';
import { statefulSetPrinter } from './stateful-set.ts';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage.ts';

export { ageColumn, createdAtColumn, nameColumn, type TableColumn, type TypePrinter } from './common.ts';

/** Types without a printer get upstream's default convertor columns: NAME and CREATED AT. */
export const defaultColumns: readonly TableColumn[] = [nameColumn, createdAtColumn];

const printers: [string, TypePrinter][] = [
  ['/Pod', podPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Node', nodePrinter],
  ['/Namespace', namespacePrinter],
  ['/Event', eventPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['autoscaling/Scale', scalePrinter],
  ['certificates.k8s.io/CertificateSigningRequest', certificateSigningRequestPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['events.k8s.io/Event', eventPrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
];

/** Per-type printers, `group/Kind` -> printer. Tests may add their own. */
export const typePrinters = new Map<string, TypePrinter>(printers);

/** Per-type columns registered directly (kept for callers that only have columns). */
export const typeColumns = new Map<string, readonly TableColumn[]>();

export function printerFor(group: string, kind: string): TypePrinter {
  const key = `${group}/${kind}`;
  const columns = typeColumns.get(key);
  if (columns) return { columns };
  return typePrinters.get(key) ?? { columns: defaultColumns };
}

export function columnsFor(group: string, kind: string): readonly TableColumn[] {
  return printerFor(group, kind).columns;
}
