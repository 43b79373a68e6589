// Event validation: core/v1 (upstream legacyValidateEvent) and events.k8s.io/v1 (ValidateEventCreate).
import type { FieldError } from '../resource-type.ts';
import { immutable, invalid, required } from './errors.ts';
import { FieldPath } from './path.ts';
import { isDNS1123Subdomain, isQualifiedName } from './names.ts';
import { isObject, isSet, str } from './shape.ts';

const root = FieldPath.root;
const limits = { reportingInstance: 128, action: 128, reason: 128, note: 1024 };

interface EventView {
  namespace: string;
  involvedNamespace: string;
  eventTime: unknown;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  message: string;
}

function legacy(
  e: EventView,
  controllerField: string,
  messageField: string,
  regardingField: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const nsPath = root(regardingField, 'namespace');
  if (!e.eventTime) {
    if (!e.involvedNamespace) {
      if (e.namespace !== '' && e.namespace !== 'default')
        errs.push(invalid(nsPath, e.involvedNamespace, 'does not match event.namespace'));
    } else if (e.namespace !== e.involvedNamespace)
      errs.push(invalid(nsPath, e.involvedNamespace, 'does not match event.namespace'));
  } else {
    if (!e.involvedNamespace && e.namespace !== 'default' && e.namespace !== 'kube-system')
      errs.push(invalid(nsPath, e.involvedNamespace, 'does not match event.namespace'));
    if (!e.reportingController) errs.push(required(root(controllerField), ''));
    for (const msg of isQualifiedName(e.reportingController))
      errs.push(invalid(root(controllerField), e.reportingController, msg));
    if (!e.reportingInstance) errs.push(required(root('reportingInstance'), ''));
    if (e.reportingInstance.length > limits.reportingInstance)
      errs.push(
        invalid(root('reportingInstance'), '', `can have at most ${limits.reportingInstance} characters`),
      );
    if (!e.action) errs.push(required(root('action'), ''));
    if (e.action.length > limits.action)
      errs.push(invalid(root('action'), '', `can have at most ${limits.action} characters`));
    if (!e.reason) errs.push(required(root('reason'), ''));
    if (e.reason.length > limits.reason)
      errs.push(invalid(root('reason'), '', `can have at most ${limits.reason} characters`));
    if (e.message.length > limits.note)
      errs.push(invalid(root(messageField), '', `can have at most ${limits.note} characters`));
  }
  for (const msg of isDNS1123Subdomain(e.namespace)) errs.push(invalid(root('namespace'), e.namespace, msg));
  return errs;
}

/** core/v1 Event: only the legacy rules apply, as upstream keeps them for old clients. */
export function validateCoreEvent(obj: any, old?: any): FieldError[] {
  const errs = legacy(
    {
      namespace: str(obj?.metadata?.namespace),
      involvedNamespace: str(obj?.involvedObject?.namespace),
      eventTime: obj?.eventTime,
      reportingController: str(obj?.reportingComponent),
      reportingInstance: str(obj?.reportingInstance),
      action: str(obj?.action),
      reason: str(obj?.reason),
      message: str(obj?.message),
    },
    'reportingComponent',
    'message',
    'involvedObject',
  );
  if (old !== undefined && old?.eventTime)
    errs.push(...immutableEventFields(obj, old, 'involvedObject', 'reportingComponent'));
  return errs;
}

function immutableEventFields(obj: any, old: any, regarding: string, controller: string): FieldError[] {
  return [
    ...immutable(root(regarding), obj?.[regarding], old?.[regarding]),
    ...immutable(root('reason'), obj?.reason, old?.reason),
    ...immutable(root('action'), obj?.action, old?.action),
    ...immutable(root(controller), obj?.[controller], old?.[controller]),
    ...immutable(root('reportingInstance'), obj?.reportingInstance, old?.reportingInstance),
    ...immutable(root('type'), obj?.type, old?.type),
  ];
}

/** events.k8s.io/v1 Event: the legacy rules plus the strict ones of the new API. */
export function validateEventsV1Event(obj: any, old?: any): FieldError[] {
  const errs = legacy(
    {
      namespace: str(obj?.metadata?.namespace),
      involvedNamespace: str(obj?.regarding?.namespace),
      eventTime: obj?.eventTime,
      reportingController: str(obj?.reportingController),
      reportingInstance: str(obj?.reportingInstance),
      action: str(obj?.action),
      reason: str(obj?.reason),
      message: str(obj?.note),
    },
    'reportingController',
    'note',
    'regarding',
  );
  if (old === undefined) {
    if (!obj?.eventTime) errs.push(required(root('eventTime'), ''));
    if (obj?.type !== 'Normal' && obj?.type !== 'Warning')
      errs.push(invalid(root('type'), '', `has invalid value: ${str(obj?.type)}`));
    if (obj?.deprecatedFirstTimestamp)
      errs.push(invalid(root('deprecatedFirstTimestamp'), '', 'needs to be unset'));
    if (obj?.deprecatedLastTimestamp)
      errs.push(invalid(root('deprecatedLastTimestamp'), '', 'needs to be unset'));
    if (obj?.deprecatedCount) errs.push(invalid(root('deprecatedCount'), '', 'needs to be unset'));
    const src = obj?.deprecatedSource;
    if (isObject(src) && (src.component || src.host))
      errs.push(invalid(root('deprecatedSource'), '', 'needs to be unset'));
    if (isSet(obj?.series)) {
      const s = isObject(obj.series) ? obj.series : {};
      if (!(typeof s.count === 'number' && s.count >= 2))
        errs.push(invalid(root('series', 'count'), '', 'should be at least 2'));
      if (!s.lastObservedTime) errs.push(required(root('series', 'lastObservedTime'), ''));
    }
  } else errs.push(...immutableEventFields(obj, old, 'regarding', 'reportingController'));
  return errs;
}
