// core/v1 Endpoints: the addresses behind a service (superseded by EndpointSlice, still served).
import type { ObjectMeta, TypeMeta } from './meta.ts';
import type { ObjectReference } from './object-reference.ts';
import type { Protocol } from './container.ts';

export interface EndpointAddress {
  /** IP of the endpoint. */
  ip: string;
  /** Host name of the endpoint. */
  hostname?: string;
  /** Node hosting the endpoint. */
  nodeName?: string;
  /** The object (usually a pod) providing the endpoint. */
  targetRef?: ObjectReference;
}

export interface EndpointPort {
  /** Name of the port, matching the service port's name. */
  name?: string;
  /** Port number. */
  port: number;
  /** TCP, UDP or SCTP; defaults to TCP. */
  protocol?: Protocol;
  /** Application protocol of the port. */
  appProtocol?: string;
}

export interface EndpointSubset {
  /** Ready addresses. */
  addresses?: EndpointAddress[];
  /** Addresses that are not ready yet. */
  notReadyAddresses?: EndpointAddress[];
  /** Ports available on all addresses. */
  ports?: EndpointPort[];
}

/** Endpoints is a collection of endpoints that implement the actual service. */
export interface Endpoints extends TypeMeta {
  /** Standard object metadata; the name matches the service. */
  metadata?: ObjectMeta;
  /** Sets of addresses and ports. */
  subsets?: EndpointSubset[];
}
