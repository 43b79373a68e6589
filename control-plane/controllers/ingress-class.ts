// The control plane's part of the ingress (agent/ingress does the proxying on the nodes):
//  - the IngressClass `flotilla` (controller flotilla.io/ingress), created as the cluster's
//    default class (annotation ingressclass.kubernetes.io/is-default-class: "true"); a user who
//    edits or deletes it keeps the edit, but a deleted one comes back;
//  - status.loadBalancer.ingress of every Ingress of that class: the InternalIPs of the Ready
//    nodes whose agent runs the ingress (annotation ingress.flotilla.io/ports). Doing it here,
//    once, keeps the nodes from racing each other to write the same status.
import { isAlreadyExists, isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Ingress, IngressClass, Node } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { sameJson } from './endpoint-utils.ts';

export type IngressClassControllerConfig = ControllerConfig;

export const INGRESS_CLASS = 'flotilla';
export const INGRESS_CONTROLLER = 'flotilla.io/ingress';
export const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
/** Set by the agent on its Node while it runs the ingress: `<httpPort>,<httpsPort>`. */
export const ingressPortsAnnotation = 'ingress.flotilla.io/ports';
/** The queue key for the IngressClass itself (Ingress keys are `ns/name`). */
const classKey = `IngressClass:${INGRESS_CLASS}`;

/** The Ready nodes running the ingress, by InternalIP, sorted. */
export function ingressAddresses(nodes: Node[]): string[] {
  const ips = new Set<string>();
  for (const node of nodes) {
    if (!node.metadata?.annotations?.[ingressPortsAnnotation] || node.metadata.deletionTimestamp) continue;
    if (node.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') continue;
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (ip) ips.add(ip);
  }
  return [...ips].sort();
}

export class IngressClassController extends QueueController {
  private readonly classes: SharedIndexInformer<Kube<IngressClass>>;
  private readonly ingresses: SharedIndexInformer<Kube<Ingress>>;
  private readonly nodes: SharedIndexInformer<Kube<Node>>;

  constructor(config: IngressClassControllerConfig) {
    super('ingress-class', config);
    this.classes = this.informers.informerFor<Kube<IngressClass>>('networking.k8s.io/v1', 'IngressClass');
    this.ingresses = this.informers.informerFor<Kube<Ingress>>('networking.k8s.io/v1', 'Ingress');
    this.nodes = this.informers.informerFor<Kube<Node>>('v1', 'Node');
    this.classes.addEventHandler({
      onDelete: (c) => c.metadata?.name === INGRESS_CLASS && this.enqueue(classKey),
      // A class change can move class-less Ingresses in or out of ours.
      onUpdate: () => this.enqueueAllIngresses(),
      onAdd: () => this.enqueueAllIngresses(),
    });
    this.ingresses.addEventHandler({ onAdd: (i) => this.enqueue(i), onUpdate: (_o, i) => this.enqueue(i) });
    this.nodes.addEventHandler({
      onAdd: () => this.enqueueAllIngresses(),
      onUpdate: (old, n) =>
        !sameJson(ingressAddresses([old]), ingressAddresses([n])) && this.enqueueAllIngresses(),
      onDelete: () => this.enqueueAllIngresses(),
    });
  }

  override async start(signal: AbortSignal): Promise<void> {
    this.enqueue(classKey);
    await super.start(signal);
  }

  private enqueueAllIngresses(): void {
    for (const i of this.ingresses.list()) this.enqueue(i);
  }

  protected async sync(key: string): Promise<void> {
    if (key === classKey) return this.ensureClass();
    const ing = this.ingresses.get(key);
    if (!ing) return;
    const want = this.isOurs(ing) ? ingressAddresses(this.nodes.list()).map((ip) => ({ ip })) : [];
    const have = ing.status?.loadBalancer?.ingress ?? [];
    // Another controller's Ingress: its status is not ours to clear unless we wrote it.
    if (!this.isOurs(ing) && !sameJson(have.map((h) => h.ip).sort(), ingressAddresses(this.nodes.list())))
      return;
    if (sameJson(have, want)) return;
    try {
      await this.client
        .resource<Kube<Ingress>>('networking.k8s.io/v1', 'Ingress')
        .namespace(ing.metadata!.namespace!)
        .updateStatus({ ...ing, status: { loadBalancer: want.length > 0 ? { ingress: want } : {} } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private isOurs(ing: Ingress): boolean {
    const named = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
    if (named) return named === INGRESS_CLASS;
    return this.classes.get(INGRESS_CLASS)?.metadata?.annotations?.[defaultClassAnnotation] === 'true';
  }

  private async ensureClass(): Promise<void> {
    if (this.classes.get(INGRESS_CLASS)) return;
    try {
      await this.client.resource<Kube<IngressClass>>('networking.k8s.io/v1', 'IngressClass').create({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: {
          name: INGRESS_CLASS,
          annotations: { [defaultClassAnnotation]: 'true' },
          labels: { 'app.kubernetes.io/managed-by': 'flotilla' },
        },
        spec: { controller: INGRESS_CONTROLLER },
      });
      this.logger.info('created the default IngressClass', { ingressclass: INGRESS_CLASS });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
