// autoscaling/v2 HorizontalPodAutoscaler defaults (upstream SetDefaults_HorizontalPodAutoscaler)
// and networking.k8s.io/v1 IngressClass defaults.
import {
  canonicalizeQuantityField,
  child,
  eachObject,
  isObject,
  setDefault,
  setDefaultString,
} from './helpers.ts';

export const defaultCPUUtilization = 80;

function scaleUpRules(r: Record<string, any>): void {
  setDefault(r, 'stabilizationWindowSeconds', 0);
  setDefaultString(r, 'selectPolicy', 'Max');
  if (!Array.isArray(r.policies) || r.policies.length === 0)
    r.policies = [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ];
}

function scaleDownRules(r: Record<string, any>): void {
  setDefault(r, 'stabilizationWindowSeconds', 300);
  setDefaultString(r, 'selectPolicy', 'Max');
  if (!Array.isArray(r.policies) || r.policies.length === 0)
    r.policies = [{ type: 'Percent', value: 100, periodSeconds: 15 }];
}

export function defaultHorizontalPodAutoscaler(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } },
      },
    ];
  eachObject(spec.metrics, (m) => {
    for (const src of ['resource', 'containerResource', 'pods', 'object', 'external'])
      if (isObject(m[src]) && isObject(m[src].target)) {
        canonicalizeQuantityField(m[src].target, 'value');
        canonicalizeQuantityField(m[src].target, 'averageValue');
      }
  });
  if (isObject(spec.behavior)) {
    const up = child(spec.behavior, 'scaleUp');
    if (up) scaleUpRules(up);
    const down = child(spec.behavior, 'scaleDown');
    if (down) scaleDownRules(down);
  }
}

export function defaultIngressClass(obj: any): void {
  if (!isObject(obj) || !isObject(obj.spec) || !isObject(obj.spec.parameters)) return;
  setDefaultString(obj.spec.parameters, 'scope', 'Cluster');
}
