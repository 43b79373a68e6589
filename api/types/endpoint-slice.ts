// discovery.k8s.io/v1 EndpointSlice: a slice of the endpoints of a service.
import type { ObjectMeta, TypeMeta } from './meta.ts';
import type { ObjectReference } from './object-reference.ts';
import type { Protocol } from './container.ts';

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

export interface EndpointConditions {
  /** The endpoint is ready to receive traffic. */
  ready?: boolean;
  /** The endpoint can serve traffic (even while terminating). */
  serving?: boolean;
  /** The endpoint is terminating. */
  terminating?: boolean;
}

export interface EndpointHints {
  /** Zones the endpoint should be consumed in. */
  forZones?: { name: string }[];
}

export interface Endpoint {
  /** Addresses of the endpoint, of the slice's addressType. */
  addresses: string[];
  /** Readiness of the endpoint. */
  conditions?: EndpointConditions;
  /** Host name of the endpoint. */
  hostname?: string;
  /** The object (usually a pod) providing the endpoint. */
  targetRef?: ObjectReference;
  /** Node hosting the endpoint. */
  nodeName?: string;
  /** Zone of the endpoint. */
  zone?: string;
  /** Topology-aware routing hints. */
  hints?: EndpointHints;
  /** Deprecated topology labels. */
  deprecatedTopology?: Record<string, string>;
}

export interface EndpointSlicePort {
  /** Name of the port, matching the service port's name; defaults to ''. */
  name?: string;
  /** TCP, UDP or SCTP; defaults to TCP. */
  protocol?: Protocol;
  /** Port number; empty means all ports. */
  port?: number;
  /** Application protocol of the port. */
  appProtocol?: string;
}

/** EndpointSlice represents a subset of the endpoints that implement a service. A service may have several, which together make up its full set of endpoints. */
export interface EndpointSlice extends TypeMeta {
  /** Standard object metadata; label kubernetes.io/service-name names the service. */
  metadata?: ObjectMeta;
  /** IPv4, IPv6 or FQDN. */
  addressType: AddressType;
  /** The endpoints (at most 1000). */
  endpoints: Endpoint[];
  /** Ports exposed by every endpoint (at most 100). */
  ports?: EndpointSlicePort[];
}
