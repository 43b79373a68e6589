// networking.k8s.io/v1 Ingress and IngressClass: HTTP routing into services.
import type { ObjectMeta, TypeMeta } from './meta.ts';
import type { TypedLocalObjectReference } from './object-reference.ts';
import type { PortStatus } from './service.ts';

export interface ServiceBackendPort {
  /** Port name of the service. */
  name?: string;
  /** Port number of the service. */
  number?: number;
}

export interface IngressServiceBackend {
  /** Name of the service in the ingress's namespace. */
  name: string;
  /** Port of the service. */
  port?: ServiceBackendPort;
}

export interface IngressBackend {
  /** A service backend. */
  service?: IngressServiceBackend;
  /** Another object in the namespace; exclusive with service. */
  resource?: TypedLocalObjectReference;
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface HTTPIngressPath {
  /** Path matched against the request path; must start with '/'. */
  path?: string;
  /** Exact, Prefix or ImplementationSpecific; required. */
  pathType: PathType;
  /** Where matching requests go. */
  backend: IngressBackend;
}

export interface IngressRule {
  /** Host to match (may start with a `*.` wildcard); all hosts when empty. */
  host?: string;
  /** HTTP routing rules. */
  http?: { paths: HTTPIngressPath[] };
}

export interface IngressTLS {
  /** Hosts covered by the certificate. */
  hosts?: string[];
  /** Secret holding the certificate and key. */
  secretName?: string;
}

export interface IngressSpec {
  /** IngressClass that implements this ingress. */
  ingressClassName?: string;
  /** Backend for requests that match no rule. */
  defaultBackend?: IngressBackend;
  /** TLS configuration. */
  tls?: IngressTLS[];
  /** Host and path rules. */
  rules?: IngressRule[];
}

export interface IngressLoadBalancerIngress {
  /** IP of the ingress point. */
  ip?: string;
  /** Host name of the ingress point. */
  hostname?: string;
  /** Status of the ports. */
  ports?: PortStatus[];
}

export interface IngressStatus {
  /** Load balancer status. */
  loadBalancer?: { ingress?: IngressLoadBalancerIngress[] };
}

/** Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. An Ingress can be configured to give services externally-reachable urls, load balance traffic, terminate SSL, offer name based virtual hosting etc. */
export interface Ingress extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired routing. */
  spec?: IngressSpec;
  /** Most recently observed status. */
  status?: IngressStatus;
}

export interface IngressClassParametersReference {
  /** API group of the parameters object. */
  apiGroup?: string;
  /** Kind of the parameters object. */
  kind: string;
  /** Name of the parameters object. */
  name: string;
  /** Cluster or Namespace. */
  scope?: 'Cluster' | 'Namespace';
  /** Namespace of the parameters object, for scope Namespace. */
  namespace?: string;
}

export interface IngressClassSpec {
  /** Name of the controller implementing the class, e.g. example.com/ingress-controller. */
  controller?: string;
  /** Controller-specific parameters. */
  parameters?: IngressClassParametersReference;
}

/** IngressClass represents the class of the Ingress, referenced by the Ingress Spec. The ingressclass.kubernetes.io/is-default-class annotation set to true makes it the default. */
export interface IngressClass extends TypeMeta {
  /** Standard object metadata; annotation ingressclass.kubernetes.io/is-default-class marks the default. */
  metadata?: ObjectMeta;
  /** The class. */
  spec?: IngressClassSpec;
}
