// Events: core/v1 Event and events.k8s.io/v1 Event, two views of the same record.
import type { MicroTime, ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { ObjectReference } from './object-reference.ts';

export interface EventSource {
  /** Component that generated the event, e.g. kubelet. */
  component?: string;
  /** Node that generated the event. */
  host?: string;
}

export interface EventSeries {
  /** Occurrences in this series up to the last heartbeat. */
  count?: number;
  /** Time of the last occurrence observed. */
  lastObservedTime?: MicroTime;
}

/**
 * Event is a report of an event somewhere in the cluster (core/v1). Events are kept for a limited
 * time; their reasons and messages may change between releases.
 */
export interface Event extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The object this event is about. */
  involvedObject: ObjectReference;
  /** Short machine-readable CamelCase reason, e.g. Scheduled, Pulled, BackOff. */
  reason?: string;
  /** Human-readable description. */
  message?: string;
  /** Component reporting the event. */
  source?: EventSource;
  /** First time the event was recorded. */
  firstTimestamp?: Time | null;
  /** Most recent time the event was recorded. */
  lastTimestamp?: Time | null;
  /** Number of times the event occurred. */
  count?: number;
  /** Normal or Warning. */
  type?: 'Normal' | 'Warning' | string;
  /** When the event was first observed, with microseconds. */
  eventTime?: MicroTime | null;
  /** Data about the series of events this one belongs to. */
  series?: EventSeries;
  /** What action was taken or failed, e.g. Binding. */
  action?: string;
  /** Secondary object for more complex actions. */
  related?: ObjectReference;
  /** Controller that emitted the event, e.g. kubernetes.io/kubelet. */
  reportingComponent?: string;
  /** ID of the controller instance, e.g. the kubelet's node name. */
  reportingInstance?: string;
}

/**
 * Event is a report of an event somewhere in the cluster (events.k8s.io/v1). It generally denotes
 * some state change in the system. Events are kept for a limited time.
 */
export interface EventsV1Event extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** When the event was first observed; required. */
  eventTime: MicroTime | null;
  /** Data about the series of events this one belongs to. */
  series?: EventSeries;
  /** Controller that emitted the event; required for new events. */
  reportingController?: string;
  /** ID of the controller instance; required for new events. */
  reportingInstance?: string;
  /** What action was taken or failed. */
  action?: string;
  /** Why the action was taken. */
  reason?: string;
  /** The object this event is about. */
  regarding?: ObjectReference;
  /** Secondary object for more complex actions. */
  related?: ObjectReference;
  /** Human-readable description (at most 1kB). */
  note?: string;
  /** Normal or Warning. */
  type?: string;
  /** Deprecated core field: source. */
  deprecatedSource?: EventSource;
  /** Deprecated core field: firstTimestamp. */
  deprecatedFirstTimestamp?: Time | null;
  /** Deprecated core field: lastTimestamp. */
  deprecatedLastTimestamp?: Time | null;
  /** Deprecated core field: count. */
  deprecatedCount?: number;
}
