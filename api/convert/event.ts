// core/v1 Event <-> events.k8s.io/v1 Event: upstream stores one record and serves both views
// (pkg/apis/events/v1/conversion.go). Field renames: involvedObject/regarding, message/note,
// source/deprecatedSource, reportingComponent/reportingController, and the deprecated counters.
import type { Event, EventsV1Event } from '../types/event.ts';

export function coreEventToEventsV1(e: Event): EventsV1Event {
  const out: EventsV1Event = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
  };
  if (e.series) out.series = e.series;
  if (e.reportingComponent) out.reportingController = e.reportingComponent;
  if (e.reportingInstance) out.reportingInstance = e.reportingInstance;
  if (e.action) out.action = e.action;
  if (e.reason) out.reason = e.reason;
  if (e.involvedObject) out.regarding = e.involvedObject;
  if (e.related) out.related = e.related;
  if (e.message) out.note = e.message;
  if (e.type) out.type = e.type;
  if (e.source && (e.source.component || e.source.host)) out.deprecatedSource = e.source;
  if (e.firstTimestamp) out.deprecatedFirstTimestamp = e.firstTimestamp;
  if (e.lastTimestamp) out.deprecatedLastTimestamp = e.lastTimestamp;
  if (e.count) out.deprecatedCount = e.count;
  return out;
}

export function eventsV1ToCoreEvent(e: EventsV1Event): Event {
  const out: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    eventTime: e.eventTime ?? null,
  };
  if (e.series) out.series = e.series;
  if (e.reportingController) out.reportingComponent = e.reportingController;
  if (e.reportingInstance) out.reportingInstance = e.reportingInstance;
  if (e.action) out.action = e.action;
  if (e.reason) out.reason = e.reason;
  if (e.related) out.related = e.related;
  if (e.note) out.message = e.note;
  if (e.type) out.type = e.type;
  out.source = e.deprecatedSource ?? {};
  out.firstTimestamp = e.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = e.deprecatedLastTimestamp ?? null;
  if (e.deprecatedCount) out.count = e.deprecatedCount;
  return out;
}
