// Pod volumes on the node (upstream volume plugins, the ones a single node can serve): emptyDir
// is a directory under the pod's data dir; configMap, secret, downwardAPI and projected volumes
// are key files written atomically there and rewritten in place when their sources change;
// hostPath is the node's own path; persistentVolumeClaim is its bound volume's path on this
// node. Each becomes a CRI mount; subPath mounts one entry of a volume.
import { chmodSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from '../../api/client/index.ts';
import type { Container } from '../../api/types/container.ts';
import type { Pod } from '../../api/types/pod.ts';
import type { Volume } from '../../api/types/volume.ts';
import { ContainerConfigError } from './config-sources.ts';
import type { Mount } from './cri/index.ts';
import { expandReferences } from './env.ts';
import { writeAtomically } from './volumes-atomic-writer.ts';
import { isKeyFileVolume, keyFilePayload, type KeyFileContext } from './volumes-projected.ts';
import { claimPath, VolumeNotReadyError } from './volumes-pvc.ts';

export { VolumeNotReadyError } from './volumes-pvc.ts';

export interface VolumeContext extends KeyFileContext {
  dataDir: string;
  client: Client;
}

/** A volume that could not be set up; the pod waits (FailedMount). */
export class MountError extends Error {
  override readonly name = 'MountError';
  constructor(
    readonly volume: string,
    error: Error,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${error.message}`);
  }
}

export function podDataDir(dataDir: string, pod: Pod): string {
  const m = pod.metadata!;
  return join(dataDir, 'pods', `${m.namespace}_${m.name}_${m.uid}`);
}

export interface MountedVolumes {
  /** Host path by volume name, for every volume that is set up. */
  paths: Map<string, string>;
  /** Volumes that could not be set up (or brought up to date) this time. */
  failures: MountError[];
}

/**
 * Prepares every volume of the pod, or brings key-file volumes up to date (a no-op when
 * nothing changed). A key-file volume whose update fails keeps what it had, as upstream's do.
 */
export async function setUpVolumes(pod: Pod, ctx: VolumeContext): Promise<MountedVolumes> {
  const paths = new Map<string, string>();
  const failures: MountError[] = [];
  const root = join(podDataDir(ctx.dataDir, pod), 'volumes');
  for (const volume of pod.spec?.volumes ?? []) {
    const dir = join(root, volume.name);
    try {
      paths.set(volume.name, await setUpVolume(volume, dir, pod, ctx));
    } catch (err) {
      if (!(err instanceof ContainerConfigError || err instanceof VolumeNotReadyError)) throw err;
      failures.push(new MountError(volume.name, err));
      if (isKeyFileVolume(volume) && existsSync(join(dir, '..data'))) paths.set(volume.name, dir);
    }
  }
  return { paths, failures };
}

async function setUpVolume(volume: Volume, dir: string, pod: Pod, ctx: VolumeContext): Promise<string> {
  if (volume.hostPath) return setUpHostPath(volume);
  if (volume.emptyDir) {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777); // any container user may write, as upstream's emptyDir
    }
    return dir;
  }
  if (isKeyFileVolume(volume)) {
    writeAtomically(dir, await keyFilePayload(volume, { ...ctx, pod }));
    return dir;
  }
  if (volume.persistentVolumeClaim) return claimPath(ctx.client, pod.metadata!.namespace!, volume);
  throw new ContainerConfigError('this kind of volume is not supported on this node');
}

function setUpHostPath(volume: Volume): string {
  const { path, type } = volume.hostPath!;
  if (type === 'DirectoryOrCreate') mkdirSync(path, { recursive: true });
  else if (type === 'FileOrCreate' && !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '');
  } else if (type && !existsSync(path)) throw new ContainerConfigError(`hostPath ${path} does not exist`);
  return path;
}

/**
 * The container's mounts. A subPath (or subPathExpr, expanded with the container's env) mounts
 * one entry of the volume: a missing one is created as a directory, as upstream does, and
 * symlinks (the key files' ..data links) are resolved within the volume, never out of it.
 */
export function containerMounts(
  container: Container,
  volumes: Map<string, string>,
  env: { key: string; value: string }[] = [],
): Mount[] {
  const vars = new Map(env.map((e) => [e.key, e.value]));
  return (container.volumeMounts ?? []).map((vm) => {
    const base = volumes.get(vm.name);
    if (!base) throw new ContainerConfigError(`volume ${vm.name} is not defined in the pod`);
    const subPath = vm.subPathExpr ? expandReferences(vm.subPathExpr, vars) : vm.subPath;
    return {
      containerPath: vm.mountPath,
      hostPath: subPath ? subPathSource(base, subPath) : base,
      readonly: vm.readOnly ?? false,
      propagation:
        vm.mountPropagation === 'Bidirectional'
          ? 'PROPAGATION_BIDIRECTIONAL'
          : vm.mountPropagation === 'HostToContainer'
            ? 'PROPAGATION_HOST_TO_CONTAINER'
            : 'PROPAGATION_PRIVATE',
    };
  });
}

function subPathSource(base: string, subPath: string): string {
  if (subPath.startsWith('/') || subPath.split('/').includes('..'))
    throw new ContainerConfigError(`subPath "${subPath}" must be a relative path without '..'`);
  const path = join(base, subPath);
  if (!existsSync(path)) {
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o777);
  }
  const real = realpathSync(path);
  const realBase = realpathSync(base);
  if (real !== realBase && !real.startsWith(`${realBase}/`))
    throw new ContainerConfigError(`subPath "${subPath}" leaves its volume`);
  return real;
}

export function removePodData(dataDir: string, pod: Pod): void {
  rmSync(podDataDir(dataDir, pod), { recursive: true, force: true });
}
