// `kubectl get events`: LAST SEEN TYPE REASON OBJECT MESSAGE (wide adds SUBOBJECT SOURCE
// FIRST SEEN COUNT NAME). events.k8s.io/v1 Events are printed through the same columns after
// mapping their fields to the core/v1 names, as upstream converts both to one internal type.
import { column, type TypePrinter } from './common.ts';
import { ageOf } from './human-duration.ts';

/** An events.k8s.io/v1 Event in core/v1 field names. */
function asCoreEvent(e: any): any {
  if (e?.apiVersion !== 'events.k8s.io/v1' && !('regarding' in (e ?? {})) && !('note' in (e ?? {}))) return e;
  return {
    ...e,
    involvedObject: e.regarding ?? {},
    message: e.note,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    source: e.deprecatedSource,
    series: e.series ? { count: e.series.count, lastObservedTime: e.series.lastObservedTime } : undefined,
  };
}

interface EventTimes {
  first: string;
  last: string;
  count: number;
}

function times(raw: any, now: number): EventTimes {
  const e = asCoreEvent(raw);
  const first = e?.firstTimestamp ? ageOf(e.firstTimestamp, now) : ageOf(e?.eventTime, now);
  let last = e?.lastTimestamp ? ageOf(e.lastTimestamp, now) : first;
  let count: number = e?.count ?? 0;
  if (e?.series) {
    last = ageOf(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) count = 1; // singletons in the new API carry no count
  return { first, last, count };
}

function target(raw: any): string {
  const o = asCoreEvent(raw)?.involvedObject ?? {};
  const kind = String(o.kind ?? '').toLowerCase();
  return o.name ? `${kind}/${o.name}` : kind;
}

function source(raw: any): string {
  const e = asCoreEvent(raw);
  const component = e?.source?.component || e?.reportingController || '';
  const instance = e?.source?.host || e?.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

const field = (name: string) => (o: any) => asCoreEvent(o)?.[name] ?? '';

export const eventPrinter: TypePrinter = {
  columns: [
    column(
      'Last Seen',
      'string',
      'The time at which the most recent occurrence of this event was recorded.',
      (o, now) => times(o, now).last,
    ),
    column(
      'Type',
      'string',
      'Type of this event (Normal, Warning), new types could be added in the future',
      field('type'),
    ),
    column(
      'Reason',
      'string',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      field('reason'),
    ),
    column('Object', 'string', 'The object that this event is about.', target),
    column(
      'Subobject',
      'string',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
      (o) => asCoreEvent(o)?.involvedObject?.fieldPath ?? '',
      { wide: true },
    ),
    column(
      'Source',
      'string',
      'The component reporting this event. Should be a short machine understandable string.',
      source,
      {
        wide: true,
      },
    ),
    column('Message', 'string', 'A human-readable description of the status of this operation.', (o) =>
      String(asCoreEvent(o)?.message ?? '').trim(),
    ),
    column(
      'First Seen',
      'string',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      (o, now) => times(o, now).first,
      { wide: true },
    ),
    column(
      'Count',
      'string',
      'The number of times this event has occurred.',
      (o, now) => times(o, now).count,
      {
        wide: true,
      },
    ),
    column('Name', 'string', 'Name must be unique within a namespace.', (o) => o?.metadata?.name ?? '', {
      wide: true,
      format: 'name',
    }),
  ],
};
