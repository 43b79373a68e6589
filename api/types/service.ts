// core/v1 Service: a stable virtual IP and DNS name in front of a set of pods.
import type { IntOrString } from '../intstr.ts';
import type { Condition, ObjectMeta, TypeMeta } from './meta.ts';
import type { Protocol } from './container.ts';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type ServiceAffinity = 'ClientIP' | 'None';
export type ServiceTrafficPolicy = 'Cluster' | 'Local';
export type IPFamily = 'IPv4' | 'IPv6';
export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServicePort {
  /** Name of the port, a DNS label; required when there is more than one port. */
  name?: string;
  /** TCP, UDP or SCTP; defaults to TCP. */
  protocol?: Protocol;
  /** Application protocol hint, e.g. `http`, `kubernetes.io/h2c`. */
  appProtocol?: string;
  /** Port the service exposes. */
  port: number;
  /** Number or name of the port on the pods; defaults to port. */
  targetPort?: IntOrString;
  /** Port on every node for NodePort and LoadBalancer services; allocated when 0. */
  nodePort?: number;
}

export interface ClientIPConfig {
  /** Seconds of ClientIP session stickiness (1-86400); defaults to 10800. */
  timeoutSeconds?: number;
}

export interface SessionAffinityConfig {
  /** Settings for ClientIP affinity. */
  clientIP?: ClientIPConfig;
}

export interface ServiceSpec {
  /**
   * Ports the service exposes.
   * @patchMergeKey port
   * @patchStrategy merge
   * @listType map
   * @listMapKey port protocol
   */
  ports?: ServicePort[];
  /** Pods with these labels receive the traffic; no endpoints are managed when empty. */
  selector?: Record<string, string>;
  /** Virtual IP, allocated when empty; `None` makes a headless service. */
  clusterIP?: string;
  /** Virtual IPs, one per family; clusterIPs[0] equals clusterIP. */
  clusterIPs?: string[];
  /** ClusterIP, NodePort, LoadBalancer or ExternalName; defaults to ClusterIP. */
  type?: ServiceType;
  /** IPs, not managed by Kubernetes, on which nodes also accept traffic for the service. */
  externalIPs?: string[];
  /** ClientIP or None; defaults to None. */
  sessionAffinity?: ServiceAffinity;
  /** Deprecated: requested load balancer IP. */
  loadBalancerIP?: string;
  /** Client CIDRs allowed through the load balancer. */
  loadBalancerSourceRanges?: string[];
  /** DNS name the service aliases, for ExternalName services. */
  externalName?: string;
  /** Cluster or Local routing of external traffic. */
  externalTrafficPolicy?: ServiceTrafficPolicy;
  /** Node port for health checks with externalTrafficPolicy Local. */
  healthCheckNodePort?: number;
  /** Publish endpoints of not-ready pods (for StatefulSet peer discovery). */
  publishNotReadyAddresses?: boolean;
  /** Settings of session affinity. */
  sessionAffinityConfig?: SessionAffinityConfig;
  /** IP families of the service, in order. */
  ipFamilies?: IPFamily[];
  /** SingleStack, PreferDualStack or RequireDualStack. */
  ipFamilyPolicy?: IPFamilyPolicy;
  /** Allocate node ports for LoadBalancer services; defaults to true. */
  allocateLoadBalancerNodePorts?: boolean;
  /** Load balancer implementation to use. */
  loadBalancerClass?: string;
  /** Cluster or Local routing of in-cluster traffic; defaults to Cluster. */
  internalTrafficPolicy?: ServiceTrafficPolicy;
  /** Routing preference, e.g. PreferClose. */
  trafficDistribution?: string;
}

export interface PortStatus {
  /** Port number of the service port. */
  port: number;
  /** Protocol of the service port. */
  protocol: Protocol;
  /** Error of the port, in CamelCase. */
  error?: string;
}

export interface LoadBalancerIngress {
  /** IP of the ingress point. */
  ip?: string;
  /** Host name of the ingress point. */
  hostname?: string;
  /** VIP or Proxy. */
  ipMode?: 'VIP' | 'Proxy';
  /** Status of the service's ports. */
  ports?: PortStatus[];
}

export interface LoadBalancerStatus {
  /** Ingress points of the load balancer. */
  ingress?: LoadBalancerIngress[];
}

export interface ServiceStatus {
  /** Status of the load balancer, if any. */
  loadBalancer?: LoadBalancerStatus;
  /** Current state of the service. */
  conditions?: Condition[];
}

/** Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy. */
export interface Service extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Behaviour of the service. */
  spec?: ServiceSpec;
  /** Most recently observed status. */
  status?: ServiceStatus;
}
