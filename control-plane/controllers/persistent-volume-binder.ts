// The PersistentVolume binder (upstream pkg/controller/volume/persistentvolume): binds claims
// to volumes and keeps both phases right.
//  - A Pending claim gets the volume made for it (pre-bound by a provisioner), the one it
//    names, or the smallest Available volume that fits (class, access modes, size, selector,
//    volume mode, node). Binding writes the volume's claimRef and phase Bound, then the claim's
//    volumeName and phase Bound with its capacity and access modes, with upstream's annotations.
//  - No fitting volume: a class with a provisioner gets the claim annotated for it
//    (volume.kubernetes.io/storage-provisioner; event ExternalProvisioning). For
//    WaitForFirstConsumer classes that waits until a node is chosen
//    (volume.kubernetes.io/selected-node, event WaitForFirstConsumer). Our scheduler does not
//    pick nodes for volumes, so when a pod using the claim is bound, its node is chosen.
//  - A bound volume whose claim is gone turns Released (the provisioner deletes it for the
//    Delete reclaim policy); a volume without claim is Available.
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Pod } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import {
  annBetaStorageProvisioner,
  annBindCompleted,
  annBoundByController,
  annSelectedNode,
  annStorageProvisioner,
  bySize,
  claimClass,
  claimKey,
  isWaitForFirstConsumer,
  volumeFitsClaim,
  type ClassObj,
  type PvcObj,
  type PvObj,
} from './volume-binding.ts';

type PodObj = Kube<Pod>;

const claimsOfPod = (pod: PodObj) =>
  (pod.spec?.volumes ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((n): n is string => !!n)
    .map((n) => `${pod.metadata!.namespace}/${n}`);

export class PersistentVolumeBinder extends QueueController {
  private readonly claims: SharedIndexInformer<PvcObj>;
  private readonly volumes: SharedIndexInformer<PvObj>;
  private readonly classes: SharedIndexInformer<ClassObj>;
  private readonly pods: SharedIndexInformer<PodObj>;
  private readonly nodes: SharedIndexInformer<
    Kube<{ metadata?: { name?: string; labels?: Record<string, string> } }>
  >;

  constructor(config: ControllerConfig) {
    super('persistentvolume-binder', config);
    this.claims = this.informers.informerFor<PvcObj>('v1', 'PersistentVolumeClaim');
    this.volumes = this.informers.informerFor<PvObj>('v1', 'PersistentVolume');
    this.classes = this.informers.informerFor<ClassObj>('storage.k8s.io/v1', 'StorageClass');
    this.nodes = this.informers.informerFor('v1', 'Node');
    this.pods = this.informers.informerFor<PodObj>('v1', 'Pod', {
      indexers: { claims: (p: PodObj) => claimsOfPod(p) },
    });
    const claim = (c: PvcObj) => this.enqueue(`claim:${claimKey(c)}`);
    const volume = (v: PvObj) => {
      this.enqueue(`volume:${v.metadata!.name}`);
      const ref = v.spec?.claimRef;
      if (ref?.namespace && ref.name) this.enqueue(`claim:${ref.namespace}/${ref.name}`);
    };
    this.claims.addEventHandler({
      onAdd: claim,
      onUpdate: (_o, c) => claim(c),
      onDelete: (c) => {
        // Its volume may be released now.
        if (c.spec?.volumeName) this.enqueue(`volume:${c.spec.volumeName}`);
      },
    });
    this.volumes.addEventHandler({ onAdd: volume, onUpdate: (_o, v) => volume(v), onDelete: volume });
    // A new volume or class may be what a pending claim waited for.
    const pendingClaims = () => {
      for (const c of this.claims.list()) if (!c.spec?.volumeName) claim(c);
    };
    this.classes.addEventHandler({ onAdd: pendingClaims, onUpdate: pendingClaims });
    this.pods.addEventHandler({
      onAdd: (p) => p.spec?.nodeName && claimsOfPod(p).forEach((k) => this.enqueue(`claim:${k}`)),
      onUpdate: (old, p) => {
        if (!old.spec?.nodeName && p.spec?.nodeName)
          claimsOfPod(p).forEach((k) => this.enqueue(`claim:${k}`));
      },
    });
  }

  protected async sync(key: string): Promise<void> {
    const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'claim') return this.syncClaim(id);
    return this.syncVolume(id);
  }

  private async syncClaim(key: string): Promise<void> {
    const pvc = this.claims.get(key);
    if (!pvc || pvc.metadata?.deletionTimestamp) return;
    const named = pvc.spec?.volumeName;
    if (named) {
      const pv = this.volumes.get(named);
      if (!pv) {
        if (pvc.status?.phase === 'Bound') await this.setClaimPhase(pvc, 'Lost');
        return;
      }
      const ref = pv.spec?.claimRef;
      if (ref && ref.uid && ref.uid !== pvc.metadata?.uid) return; // someone else's volume
      await this.bind(pv, pvc);
      return;
    }
    // A volume made or reserved for this claim comes first.
    const reserved = this.volumes
      .list()
      .find(
        (v) =>
          v.spec?.claimRef?.uid === pvc.metadata?.uid ||
          (!v.spec?.claimRef?.uid &&
            v.spec?.claimRef?.namespace === pvc.metadata?.namespace &&
            v.spec?.claimRef?.name === pvc.metadata?.name),
      );
    if (reserved) {
      await this.bind(reserved, pvc);
      return;
    }
    const cls = this.classes.get(claimClass(pvc));
    const nodeName = pvc.metadata?.annotations?.[annSelectedNode];
    const node = nodeName ? this.nodes.get(nodeName) : undefined;
    const waitForNode = isWaitForFirstConsumer(cls) && !nodeName;
    if (!waitForNode) {
      const candidates = this.volumes
        .list()
        .filter((v) => !v.spec?.claimRef && v.status?.phase !== 'Released' && !v.metadata?.deletionTimestamp)
        .filter((v) =>
          volumeFitsClaim(
            v,
            pvc,
            nodeName ? { name: nodeName, labels: node?.metadata?.labels ?? {} } : undefined,
          ),
        )
        .sort(bySize);
      if (candidates[0]) {
        await this.bind(candidates[0], pvc);
        return;
      }
    }
    await this.waitForVolume(pvc, cls, waitForNode);
  }

  /** No volume yet: ask the class's provisioner, or say why we wait. */
  private async waitForVolume(pvc: PvcObj, cls: ClassObj | undefined, waitForNode: boolean): Promise<void> {
    if (pvc.status?.phase !== 'Pending') await this.setClaimPhase(pvc, 'Pending');
    if (!cls?.provisioner || cls.provisioner === 'kubernetes.io/no-provisioner') {
      if (!cls && claimClass(pvc)) {
        this.recorder.event(
          pvc,
          'Warning',
          'ProvisioningFailed',
          `storageclass.storage.k8s.io "${claimClass(pvc)}" not found`,
        );
      } else {
        this.recorder.event(
          pvc,
          'Normal',
          'FailedBinding',
          claimClass(pvc)
            ? 'no persistent volumes available for this claim'
            : 'no persistent volumes available for this claim and no storage class is set',
        );
      }
      return;
    }
    if (waitForNode) {
      const consumer = this.pods
        .byIndex('claims', claimKey(pvc))
        .find((p) => p.spec?.nodeName && !p.metadata?.deletionTimestamp);
      if (!consumer) {
        this.recorder.event(
          pvc,
          'Normal',
          'WaitForFirstConsumer',
          'waiting for first consumer to be created before binding',
        );
        return;
      }
      // The node of the first pod placed with the claim is where the volume must be.
      await this.annotateClaim(pvc, { [annSelectedNode]: consumer.spec!.nodeName! });
      return;
    }
    if (pvc.metadata?.annotations?.[annStorageProvisioner] === cls.provisioner) return;
    await this.annotateClaim(pvc, {
      [annStorageProvisioner]: cls.provisioner,
      [annBetaStorageProvisioner]: cls.provisioner,
    });
    this.recorder.event(
      pvc,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${cls.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  private async annotateClaim(pvc: PvcObj, annotations: Record<string, string>): Promise<void> {
    await this.client
      .resource<PvcObj>('v1', 'PersistentVolumeClaim')
      .namespace(pvc.metadata!.namespace!)
      .patch(pvc.metadata!.name!, 'merge', { metadata: { uid: pvc.metadata!.uid, annotations } });
  }

  /** Upstream's bind: volume side first (claimRef, Bound), then the claim (volumeName, Bound). */
  private async bind(pv: PvObj, pvc: PvcObj): Promise<void> {
    const volumes = this.client.resource<PvObj>('v1', 'PersistentVolume');
    const claims = this.client
      .resource<PvcObj>('v1', 'PersistentVolumeClaim')
      .namespace(pvc.metadata!.namespace!);
    const ref = pv.spec?.claimRef;
    let volume = pv;
    if (!ref || ref.uid !== pvc.metadata?.uid || !pv.metadata?.annotations?.[annBoundByController]) {
      volume = await volumes.update({
        ...pv,
        metadata: {
          ...pv.metadata,
          annotations: { ...pv.metadata?.annotations, [annBoundByController]: 'yes' },
        },
        spec: {
          ...pv.spec,
          claimRef: {
            kind: 'PersistentVolumeClaim',
            apiVersion: 'v1',
            namespace: pvc.metadata!.namespace,
            name: pvc.metadata!.name,
            uid: pvc.metadata!.uid,
            resourceVersion: pvc.metadata!.resourceVersion,
          },
        },
      });
    }
    if (volume.status?.phase !== 'Bound')
      volume = await volumes.updateStatus({ ...volume, status: { ...volume.status, phase: 'Bound' } });

    let claim = pvc;
    if (
      pvc.spec?.volumeName !== pv.metadata!.name ||
      pvc.metadata?.annotations?.[annBindCompleted] !== 'yes'
    ) {
      claim = await claims.update({
        ...pvc,
        metadata: {
          ...pvc.metadata,
          annotations: {
            ...pvc.metadata?.annotations,
            [annBindCompleted]: 'yes',
            [annBoundByController]: 'yes',
          },
        },
        spec: { ...pvc.spec, volumeName: pv.metadata!.name },
      });
    }
    if (claim.status?.phase !== 'Bound') {
      await claims.updateStatus({
        ...claim,
        status: {
          ...claim.status,
          phase: 'Bound',
          accessModes: volume.spec?.accessModes,
          capacity: volume.spec?.capacity,
        },
      });
      this.logger.info('bound claim', { pvc: claimKey(pvc), pv: pv.metadata!.name });
    }
  }

  private async setClaimPhase(pvc: PvcObj, phase: 'Pending' | 'Lost'): Promise<void> {
    if (pvc.status?.phase === phase) return;
    await this.client
      .resource<PvcObj>('v1', 'PersistentVolumeClaim')
      .namespace(pvc.metadata!.namespace!)
      .updateStatus({ ...pvc, status: { ...pvc.status, phase } });
    if (phase === 'Lost')
      this.recorder.event(
        pvc,
        'Warning',
        'ClaimLost',
        'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
      );
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    let phase = pv.status?.phase;
    if (!ref) phase = 'Available';
    else {
      const claim = this.claims.get(`${ref.namespace}/${ref.name}`);
      const gone = !claim || (ref.uid && claim.metadata?.uid !== ref.uid);
      if (gone && ref.uid)
        phase = pv.status?.phase === 'Bound' || pv.status?.phase === 'Released' ? 'Released' : phase;
      else if (claim?.spec?.volumeName === name) phase = 'Bound';
      else if (!phase || phase === 'Pending') phase = 'Available';
    }
    if (phase === pv.status?.phase) return;
    try {
      await this.client
        .resource<PvObj>('v1', 'PersistentVolume')
        .updateStatus({ ...pv, status: { ...pv.status, phase } });
      this.logger.info('volume phase', { pv: name, phase: String(phase) });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
