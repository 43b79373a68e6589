// Which Ingresses are ours: those naming IngressClass `flotilla`, and those naming no class
// when `flotilla` is the default class (annotation ingressclass.kubernetes.io/is-default-class),
// like every ingress controller does. The old `kubernetes.io/ingress.class` annotation still counts.
import type { Ingress, IngressClass } from '../../api/types/index.ts';

export const INGRESS_CLASS = 'flotilla';
export const INGRESS_CONTROLLER = 'flotilla.io/ingress';
export const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';

export function isOurIngress(ing: Ingress, classes: IngressClass[]): boolean {
  const named = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
  if (named) return named === INGRESS_CLASS;
  const ours = classes.find((c) => c.metadata?.name === INGRESS_CLASS);
  return ours?.metadata?.annotations?.[defaultClassAnnotation] === 'true';
}
