// The local-path dynamic provisioner (like rancher's local-path-provisioner, which kind and k3s
// ship): the default StorageClass `standard` (provisioner flotilla.io/local-path,
// WaitForFirstConsumer, reclaim Delete) and, for every claim of its classes waiting for it, a
// PersistentVolume `pvc-<claim uid>` on one node: a directory under the node agent's data dir
// (hostPath, DirectoryOrCreate), node affinity to that node, pre-bound to the claim so the binder
// binds exactly it. The node is the one the claim's first pod landed on (WaitForFirstConsumer)
// or, for Immediate classes, the Ready node holding the fewest local volumes. A Released volume
// it made with reclaim policy Delete is deleted (the node agent removes directories no volume
// names any more).
import { isAlreadyExists, isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Node, PersistentVolumeAccessMode } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import {
  annDefaultClass,
  annProvisionedBy,
  annSelectedNode,
  annStorageProvisioner,
  claimClass,
  claimKey,
  isWaitForFirstConsumer,
  type ClassObj,
  type PvcObj,
  type PvObj,
} from './volume-binding.ts';

export const localPathProvisioner = 'flotilla.io/local-path';
export const defaultClassName = 'standard';
/** Where volumes live on a node (under the agent's data dir). */
export const defaultLocalPathRoot = '/var/lib/flotilla/agent/local-path';

export interface LocalPathProvisionerConfig extends ControllerConfig {
  /** Directory on the nodes holding the volumes. */
  localPathRoot?: string;
  /** Create the default StorageClass `standard` if missing (default true). */
  defaultStorageClass?: boolean;
}

type NodeObj = Kube<Node>;
const isReady = (n: NodeObj) =>
  n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export class LocalPathProvisioner extends QueueController {
  readonly root: string;
  private readonly claims: SharedIndexInformer<PvcObj>;
  private readonly volumes: SharedIndexInformer<PvObj>;
  private readonly classes: SharedIndexInformer<ClassObj>;
  private readonly nodes: SharedIndexInformer<NodeObj>;
  private readonly ensureClass: boolean;

  constructor(config: LocalPathProvisionerConfig) {
    super('local-path-provisioner', config);
    this.root = (config.localPathRoot ?? defaultLocalPathRoot).replace(/\/+$/, '');
    if (!this.root.startsWith('/'))
      throw new Error(`local-path-provisioner: localPathRoot must be absolute, got "${this.root}"`);
    this.ensureClass = config.defaultStorageClass ?? true;
    this.claims = this.informers.informerFor<PvcObj>('v1', 'PersistentVolumeClaim');
    this.volumes = this.informers.informerFor<PvObj>('v1', 'PersistentVolume');
    this.classes = this.informers.informerFor<ClassObj>('storage.k8s.io/v1', 'StorageClass');
    this.nodes = this.informers.informerFor<NodeObj>('v1', 'Node');
    this.claims.addEventHandler({
      onAdd: (c) => this.enqueue(`claim:${claimKey(c)}`),
      onUpdate: (_o, c) => this.enqueue(`claim:${claimKey(c)}`),
    });
    this.volumes.addEventHandler({
      onAdd: (v) => this.enqueue(`volume:${v.metadata!.name}`),
      onUpdate: (_o, v) => this.enqueue(`volume:${v.metadata!.name}`),
    });
  }

  override async start(signal: AbortSignal): Promise<void> {
    if (this.ensureClass) this.enqueue('class:');
    await super.start(signal);
  }

  protected async sync(key: string): Promise<void> {
    const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'class') return this.ensureDefaultClass();
    if (kind === 'claim') return this.provision(id);
    return this.reclaim(id);
  }

  private async ensureDefaultClass(): Promise<void> {
    if (this.classes.get(defaultClassName)) return;
    const hasDefault = this.classes.list().some((c) => c.metadata?.annotations?.[annDefaultClass] === 'true');
    try {
      await this.client.resource<ClassObj>('storage.k8s.io/v1', 'StorageClass').create({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: defaultClassName, annotations: hasDefault ? {} : { [annDefaultClass]: 'true' } },
        provisioner: localPathProvisioner,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
      });
      this.logger.info('created the default storage class', { storageclass: defaultClassName });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private async provision(key: string): Promise<void> {
    const pvc = this.claims.get(key);
    if (!pvc || pvc.metadata?.deletionTimestamp || pvc.spec?.volumeName) return;
    if (
      pvc.metadata?.annotations?.[annStorageProvisioner] !== localPathProvisioner &&
      !pvc.metadata?.annotations?.[annSelectedNode]
    )
      return;
    const cls = this.classes.get(claimClass(pvc));
    if (cls?.provisioner !== localPathProvisioner) return;
    const name = `pvc-${pvc.metadata!.uid}`;
    if (this.volumes.get(name)) return;
    let node: string | undefined = pvc.metadata?.annotations?.[annSelectedNode];
    if (!node) {
      if (isWaitForFirstConsumer(cls)) return;
      node = this.leastUsedNode();
      if (!node) {
        this.recorder.event(
          pvc,
          'Warning',
          'ProvisioningFailed',
          'failed to provision volume: no Ready node to put it on',
        );
        throw new Error(`no Ready node for ${key}`);
      }
    }
    this.recorder.event(
      pvc,
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${key}"`,
    );
    const path = `${this.root}/${name}_${pvc.metadata!.namespace}_${pvc.metadata!.name}`;
    try {
      await this.client.resource<PvObj>('v1', 'PersistentVolume').create({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name, annotations: { [annProvisionedBy]: localPathProvisioner } },
        spec: {
          capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
          accessModes: (pvc.spec?.accessModes ?? ['ReadWriteOnce']) as PersistentVolumeAccessMode[],
          persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
          storageClassName: cls.metadata!.name,
          volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
          hostPath: { path, type: 'DirectoryOrCreate' },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
              ],
            },
          },
          claimRef: {
            kind: 'PersistentVolumeClaim',
            apiVersion: 'v1',
            namespace: pvc.metadata!.namespace,
            name: pvc.metadata!.name,
            uid: pvc.metadata!.uid,
          },
        },
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return;
    }
    this.recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
    this.logger.info('provisioned volume', { pvc: key, pv: name, node });
  }

  private leastUsedNode(): string | undefined {
    const count = new Map<string, number>();
    for (const n of this.nodes.list())
      if (isReady(n) && !n.spec?.unschedulable) count.set(n.metadata!.name!, 0);
    for (const v of this.volumes.list()) {
      const node = v.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0];
      if (node && count.has(node)) count.set(node, count.get(node)! + 1);
    }
    return [...count.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  }

  /** Delete a Released volume we made whose policy is Delete. */
  private async reclaim(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (pv.metadata?.annotations?.[annProvisionedBy] !== localPathProvisioner) return;
    try {
      await this.client
        .resource('v1', 'PersistentVolume')
        .delete(name, { preconditions: { uid: pv.metadata!.uid } });
      this.logger.info('deleted released volume', { pv: name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
