// core/v1 Service defaults (upstream SetDefaults_Service), plus the IP family fields the REST
// storage fills for a single-stack IPv4 cluster and clusterIPs mirroring clusterIP.
import { child, eachObject, isObject, setDefault, setDefaultString } from './helpers.ts';

export const defaultClientIPServiceAffinitySeconds = 10800;

export function defaultService(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (!spec) return;
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    if (
      !isObject(cfg) ||
      !isObject(cfg.clientIP) ||
      cfg.clientIP.timeoutSeconds === undefined ||
      cfg.clientIP.timeoutSeconds === null
    )
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: defaultClientIPServiceAffinitySeconds } };
  }
  setDefaultString(spec, 'type', 'ClusterIP');
  eachObject(spec.ports, (p) => {
    setDefaultString(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '')
      p.targetPort = p.port;
  });
  const externallyAccessible =
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (externallyAccessible) setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') {
    setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    const ingress =
      isObject(obj.status) && isObject(obj.status.loadBalancer) ? obj.status.loadBalancer.ingress : undefined;
    eachObject(ingress, (ing) => {
      if (ing.ip) setDefault(ing, 'ipMode', 'VIP');
    });
  }
  if (spec.type !== 'ExternalName') {
    if (
      typeof spec.clusterIP === 'string' &&
      spec.clusterIP !== '' &&
      !(Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0)
    )
      spec.clusterIPs = [spec.clusterIP];
    // Headless services without a selector span every family the cluster has (upstream).
    const selectorless = !isObject(spec.selector) || Object.keys(spec.selector).length === 0;
    setDefault(
      spec,
      'ipFamilyPolicy',
      spec.clusterIP === 'None' && selectorless ? 'RequireDualStack' : 'SingleStack',
    );
    if (!(Array.isArray(spec.ipFamilies) && spec.ipFamilies.length > 0)) {
      const first = Array.isArray(spec.clusterIPs) ? spec.clusterIPs[0] : undefined;
      spec.ipFamilies = [typeof first === 'string' && first.includes(':') ? 'IPv6' : 'IPv4'];
    }
  }
}
