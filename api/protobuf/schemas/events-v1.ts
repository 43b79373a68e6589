// events.k8s.io/v1 (k8s.io/api/events/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const eventsv1: PackageSchema = {
  name: 'eventsv1',
  groupVersion: 'events.k8s.io/v1',
  kinds: ['Event'],
  messages: {
    Event: {
      1: 'metadata metav1.ObjectMeta',
      2: 'eventTime metav1.MicroTime',
      3: 'series *EventSeries',
      4: 'reportingController string',
      5: 'reportingInstance string',
      6: 'action string',
      7: 'reason string',
      8: 'regarding corev1.ObjectReference',
      9: 'related *corev1.ObjectReference',
      10: 'note string',
      11: 'type string',
      12: 'deprecatedSource corev1.EventSource',
      13: 'deprecatedFirstTimestamp metav1.Time',
      14: 'deprecatedLastTimestamp metav1.Time',
      15: 'deprecatedCount int32',
    },
    EventSeries: {
      1: 'count int32!',
      2: 'lastObservedTime metav1.MicroTime',
    },
  },
};
