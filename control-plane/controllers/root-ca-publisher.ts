// The root CA publisher (upstream pkg/controller/certificates/rootcacertpublisher, named
// `root-ca-cert-publisher` in kube-controller-manager): every namespace has a ConfigMap
// `kube-root-ca.crt` whose `ca.crt` is the cluster CA bundle, so a pod can verify the API server
// (the ServiceAccount admission plugin projects it into every pod next to the token). It is
// created with the namespace, recreated when deleted, and put back when someone edits it.
import { isNotFound, statusOf, type SharedIndexInformer } from '../../api/client/index.ts';
import type { ConfigMap, Namespace } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';

export const rootCaConfigMapName = 'kube-root-ca.crt';
export const descriptionAnnotation = 'kubernetes.io/description';
/** Upstream's words, so `kubectl describe cm kube-root-ca.crt` reads the same. */
export const rootCaDescription =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints ' +
  'such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCaPublisherConfig extends ControllerConfig {
  /** The PEM bundle to publish (the cluster CA); without it nothing is published. */
  rootCA?: string;
}

/** Creating in a namespace that is gone or going away is not worth a retry. */
const namespaceGone = (err: unknown) =>
  isNotFound(err) ||
  statusOf(err)?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') === true;

export class RootCaPublisher extends QueueController {
  private readonly namespaces: SharedIndexInformer<Kube<Namespace>>;
  private readonly configMaps: SharedIndexInformer<Kube<ConfigMap>>;
  private readonly rootCA?: string;

  constructor(config: RootCaPublisherConfig) {
    super('root-ca-cert-publisher', config);
    if (config.rootCA !== undefined && !String(config.rootCA).includes('-----BEGIN CERTIFICATE-----'))
      throw new Error('root-ca-cert-publisher controller: rootCA must be a PEM certificate bundle');
    this.rootCA = config.rootCA;
    this.namespaces = this.informers.informerFor<Kube<Namespace>>('v1', 'Namespace');
    this.configMaps = this.informers.informerFor<Kube<ConfigMap>>('v1', 'ConfigMap');
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueue(ns.metadata!.name!),
      onUpdate: (_old, ns) => {
        if (ns.status?.phase === 'Active') this.enqueue(ns.metadata!.name!);
      },
    });
    const ours = (cm: Kube<ConfigMap>) => {
      if (cm.metadata?.name === rootCaConfigMapName) this.enqueue(cm.metadata.namespace!);
    };
    this.configMaps.addEventHandler({ onUpdate: (_old, cm) => ours(cm), onDelete: ours });
  }

  protected async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!this.rootCA || !ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    const configMaps = this.client.resource<Kube<ConfigMap>>('v1', 'ConfigMap').namespace(namespace);
    const data = { 'ca.crt': this.rootCA };
    const cm = this.configMaps.get(`${namespace}/${rootCaConfigMapName}`);
    if (!cm) {
      try {
        await configMaps.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: rootCaConfigMapName,
            namespace,
            annotations: { [descriptionAnnotation]: rootCaDescription },
          },
          data,
        });
        this.logger.info('published the root CA', { configmap: `${namespace}/${rootCaConfigMapName}` });
      } catch (err) {
        if (!namespaceGone(err)) throw err;
      }
      return;
    }
    const sameData = Object.keys(cm.data ?? {}).length === 1 && cm.data?.['ca.crt'] === this.rootCA;
    if (sameData && cm.metadata?.annotations?.[descriptionAnnotation]) return;
    // Replace what was edited; the resourceVersion makes a racing edit a conflict, retried.
    await configMaps.update({
      ...cm,
      metadata: {
        ...cm.metadata,
        annotations: { ...cm.metadata?.annotations, [descriptionAnnotation]: rootCaDescription },
      },
      data,
    });
    this.logger.info('restored the root CA', { configmap: `${namespace}/${rootCaConfigMapName}` });
  }
}
