// discovery.k8s.io/v1 (k8s.io/api/discovery/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const discoveryv1: PackageSchema = {
  name: 'discoveryv1',
  groupVersion: 'discovery.k8s.io/v1',
  kinds: ['EndpointSlice'],
  messages: {
    Endpoint: {
      1: 'addresses []string',
      2: 'conditions EndpointConditions',
      3: 'hostname *string',
      4: 'targetRef *corev1.ObjectReference',
      5: 'deprecatedTopology map[string]string',
      6: 'nodeName *string',
      7: 'zone *string',
      8: 'hints *EndpointHints',
    },
    EndpointConditions: {
      1: 'ready *bool',
      2: 'serving *bool',
      3: 'terminating *bool',
    },
    EndpointHints: {
      1: 'forZones []ForZone',
    },
    EndpointPort: {
      1: 'name *string',
      2: 'protocol *string',
      3: 'port *int32',
      4: 'appProtocol *string',
    },
    EndpointSlice: {
      1: 'metadata metav1.ObjectMeta',
      2: 'endpoints []Endpoint',
      3: 'ports []EndpointPort',
      4: 'addressType string!',
    },
    ForZone: {
      1: 'name string!',
    },
  },
};
