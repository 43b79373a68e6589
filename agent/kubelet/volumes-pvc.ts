// persistentVolumeClaim volumes (upstream pkg/volume/{hostpath,local} behind a bound claim): the
// claim must be Bound to a PersistentVolume whose source is a path on this node (hostPath, as the
// local-path provisioner makes, or local). The provisioner only names the directory: the node
// creates it. Anything else waits, with the reason in the pod's FailedMount events.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { isNotFound, type Client, type KubeObject } from '../../api/client/index.ts';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/types/persistent-volume.ts';
import type { Volume } from '../../api/types/volume.ts';

/** A volume that cannot be mounted yet; the pod waits in ContainerCreating. */
export class VolumeNotReadyError extends Error {
  override readonly name = 'VolumeNotReadyError';
}

export async function claimPath(client: Client, namespace: string, volume: Volume): Promise<string> {
  const claimName = volume.persistentVolumeClaim!.claimName;
  let claim: PersistentVolumeClaim & KubeObject;
  try {
    claim = await client
      .resource<PersistentVolumeClaim & KubeObject>('v1', 'PersistentVolumeClaim')
      .namespace(namespace)
      .get(claimName);
  } catch (err) {
    if (isNotFound(err)) throw new VolumeNotReadyError(`persistentvolumeclaim "${claimName}" not found`);
    throw err;
  }
  if (claim.metadata?.deletionTimestamp)
    throw new VolumeNotReadyError(`persistentvolumeclaim "${claimName}" is being deleted`);
  const volumeName = claim.spec?.volumeName;
  if (claim.status?.phase !== 'Bound' || !volumeName)
    throw new VolumeNotReadyError(`persistentvolumeclaim "${claimName}" is not bound`);
  let pv: PersistentVolume & KubeObject;
  try {
    pv = await client.resource<PersistentVolume & KubeObject>('v1', 'PersistentVolume').get(volumeName);
  } catch (err) {
    if (isNotFound(err)) throw new VolumeNotReadyError(`persistentvolume "${volumeName}" not found`);
    throw err;
  }
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path)
    throw new VolumeNotReadyError(
      `persistentvolume "${volumeName}": only hostPath and local volumes can be mounted on this node`,
    );
  // The local-path provisioner's volumes are DirectoryOrCreate: made here, on first use.
  const create = pv.spec?.hostPath && (pv.spec.hostPath.type ?? 'DirectoryOrCreate') === 'DirectoryOrCreate';
  if (create && !existsSync(path)) {
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o777); // any container user may write, as the provisioner's own helper does
  }
  return path;
}
