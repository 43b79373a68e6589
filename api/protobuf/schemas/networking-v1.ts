// networking.k8s.io/v1 (k8s.io/api/networking/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const networkingv1: PackageSchema = {
  name: 'networkingv1',
  groupVersion: 'networking.k8s.io/v1',
  kinds: ['IngressClass', 'Ingress', 'NetworkPolicy'],
  messages: {
    HTTPIngressPath: {
      1: 'path string',
      2: 'backend IngressBackend',
      3: 'pathType *string',
    },
    HTTPIngressRuleValue: {
      1: 'paths []HTTPIngressPath',
    },
    IPBlock: {
      1: 'cidr string!',
      2: 'except []string',
    },
    Ingress: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec IngressSpec',
      3: 'status IngressStatus',
    },
    IngressBackend: {
      3: 'resource *corev1.TypedLocalObjectReference',
      4: 'service *IngressServiceBackend',
    },
    IngressClass: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec IngressClassSpec',
    },
    IngressClassParametersReference: {
      1: 'apiGroup *string',
      2: 'kind string!',
      3: 'name string!',
      4: 'scope *string',
      5: 'namespace *string',
    },
    IngressClassSpec: {
      1: 'controller string',
      2: 'parameters *IngressClassParametersReference',
    },
    IngressLoadBalancerIngress: {
      1: 'ip string',
      2: 'hostname string',
      4: 'ports []IngressPortStatus',
    },
    IngressLoadBalancerStatus: {
      1: 'ingress []IngressLoadBalancerIngress',
    },
    IngressPortStatus: {
      1: 'port int32!',
      2: 'protocol string!',
      3: 'error *string',
    },
    IngressRule: {
      1: 'host string',
      2: '... IngressRuleValue',
    },
    IngressRuleValue: {
      1: 'http *HTTPIngressRuleValue',
    },
    IngressServiceBackend: {
      1: 'name string!',
      2: 'port ServiceBackendPort',
    },
    IngressSpec: {
      1: 'defaultBackend *IngressBackend',
      2: 'tls []IngressTLS',
      3: 'rules []IngressRule',
      4: 'ingressClassName *string',
    },
    IngressStatus: {
      1: 'loadBalancer IngressLoadBalancerStatus',
    },
    IngressTLS: {
      1: 'hosts []string',
      2: 'secretName string',
    },
    NetworkPolicy: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec NetworkPolicySpec',
    },
    NetworkPolicyEgressRule: {
      1: 'ports []NetworkPolicyPort',
      2: 'to []NetworkPolicyPeer',
    },
    NetworkPolicyIngressRule: {
      1: 'ports []NetworkPolicyPort',
      2: 'from []NetworkPolicyPeer',
    },
    NetworkPolicyPeer: {
      1: 'podSelector *metav1.LabelSelector',
      2: 'namespaceSelector *metav1.LabelSelector',
      3: 'ipBlock *IPBlock',
    },
    NetworkPolicyPort: {
      1: 'protocol *string',
      2: 'port *intstr.IntOrString',
      3: 'endPort *int32',
    },
    NetworkPolicySpec: {
      1: 'podSelector metav1.LabelSelector',
      2: 'ingress []NetworkPolicyIngressRule',
      3: 'egress []NetworkPolicyEgressRule',
      4: 'policyTypes []string',
    },
    ServiceBackendPort: {
      1: 'name string',
      2: 'number int32',
    },
  },
};
