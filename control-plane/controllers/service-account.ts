// The ServiceAccount controller (upstream pkg/controller/serviceaccount): every active namespace
// has a `default` ServiceAccount, created with the namespace and recreated if deleted.
import {
  isAlreadyExists,
  isForbidden,
  isNotFound,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import type { Namespace, ServiceAccount } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';

export interface ServiceAccountControllerConfig extends ControllerConfig {
  /** The accounts every namespace gets. Default `default`. */
  accounts?: string[];
}

export class ServiceAccountController extends QueueController {
  private readonly namespaces: SharedIndexInformer<Kube<Namespace>>;
  private readonly accounts: SharedIndexInformer<Kube<ServiceAccount>>;
  private readonly names: string[];

  constructor(config: ServiceAccountControllerConfig) {
    super('serviceaccount', config);
    this.names = config.accounts ?? ['default'];
    this.namespaces = this.informers.informerFor<Kube<Namespace>>('v1', 'Namespace');
    this.accounts = this.informers.informerFor<Kube<ServiceAccount>>('v1', 'ServiceAccount');
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueue(ns.metadata!.name!),
      onUpdate: (_old, ns) => this.enqueue(ns.metadata!.name!),
    });
    this.accounts.addEventHandler({
      onDelete: (sa) => {
        if (this.names.includes(sa.metadata?.name ?? '')) this.enqueue(sa.metadata!.namespace!);
      },
    });
  }

  protected async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    for (const name of this.names) {
      if (this.accounts.get(`${namespace}/${name}`)) continue;
      try {
        await this.client
          .resource('v1', 'ServiceAccount')
          .namespace(namespace)
          .create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
        this.logger.info('created service account', { serviceaccount: `${namespace}/${name}` });
      } catch (err) {
        // Exists already (our cache lags), or the namespace is going away.
        if (isAlreadyExists(err) || isNotFound(err) || isForbidden(err)) continue;
        throw err;
      }
    }
  }
}
