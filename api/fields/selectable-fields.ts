// The fields each type supports in field selectors beyond metadata.name and metadata.namespace,
// as upstream registers them (AddFieldLabelConversionFunc + each strategy's GetAttrs).
type FieldFn = (obj: any) => string | undefined;

const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): string => (v === true ? 'true' : 'false');
const num = (v: unknown): string => (typeof v === 'number' ? String(v) : '0');

export const podFields: Record<string, FieldFn> = {
  'spec.nodeName': (o) => s(o?.spec?.nodeName),
  // Old v1 clients send spec.host; upstream converts it to spec.nodeName.
  'spec.host': (o) => s(o?.spec?.nodeName),
  'spec.restartPolicy': (o) => s(o?.spec?.restartPolicy),
  'spec.schedulerName': (o) => s(o?.spec?.schedulerName),
  'spec.serviceAccountName': (o) => s(o?.spec?.serviceAccountName),
  'spec.hostNetwork': (o) => bool(o?.spec?.hostNetwork),
  'status.phase': (o) => s(o?.status?.phase),
  'status.podIP': (o) => s(o?.status?.podIP),
  'status.nominatedNodeName': (o) => s(o?.status?.nominatedNodeName),
};

export const eventFields: Record<string, FieldFn> = {
  'involvedObject.kind': (o) => s(o?.involvedObject?.kind),
  'involvedObject.namespace': (o) => s(o?.involvedObject?.namespace),
  'involvedObject.name': (o) => s(o?.involvedObject?.name),
  'involvedObject.uid': (o) => s(o?.involvedObject?.uid),
  'involvedObject.apiVersion': (o) => s(o?.involvedObject?.apiVersion),
  'involvedObject.resourceVersion': (o) => s(o?.involvedObject?.resourceVersion),
  'involvedObject.fieldPath': (o) => s(o?.involvedObject?.fieldPath),
  reason: (o) => s(o?.reason),
  reportingComponent: (o) => s(o?.reportingComponent),
  source: (o) => s(o?.source?.component),
  type: (o) => s(o?.type),
};

export const namespaceFields: Record<string, FieldFn> = {
  'status.phase': (o) => s(o?.status?.phase),
};

export const secretFields: Record<string, FieldFn> = {
  type: (o) => s(o?.type),
};

export const serviceFields: Record<string, FieldFn> = {
  'spec.clusterIP': (o) => s(o?.spec?.clusterIP),
  'spec.type': (o) => s(o?.spec?.type),
};

export const nodeFields: Record<string, FieldFn> = {
  'spec.unschedulable': (o) => bool(o?.spec?.unschedulable),
};

export const replicaSetFields: Record<string, FieldFn> = {
  'status.replicas': (o) => num(o?.status?.replicas),
};

export const jobFields: Record<string, FieldFn> = {
  'status.successful': (o) => num(o?.status?.succeeded),
};
