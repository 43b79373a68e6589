// Pod volumes on the node (upstream volume plugins, the simple ones): emptyDir is a directory
// under the pod's data dir; configMap and secret are written there as files (the whole set
// replaced atomically); hostPath is the node's own path. Each becomes a CRI mount.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Container } from '../../api/types/container.ts';
import type { Pod } from '../../api/types/pod.ts';
import type { Volume } from '../../api/types/volume.ts';
import { ContainerConfigError, type ConfigSources, type KeyValues } from './config-sources.ts';
import type { Mount } from './cri/index.ts';

export function podDataDir(dataDir: string, pod: Pod): string {
  const m = pod.metadata!;
  return join(dataDir, 'pods', `${m.namespace}_${m.name}_${m.uid}`);
}

/** Prepares every volume of the pod; returns the host path of each, by volume name. */
export async function setUpVolumes(
  pod: Pod,
  dataDir: string,
  sources: ConfigSources,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  const ns = pod.metadata!.namespace!;
  const root = join(podDataDir(dataDir, pod), 'volumes');
  for (const volume of pod.spec?.volumes ?? []) {
    const dir = join(root, volume.name);
    if (volume.hostPath) {
      paths.set(volume.name, setUpHostPath(volume));
    } else if (volume.emptyDir) {
      mkdirSync(dir, { recursive: true, mode: 0o777 });
      chmodSync(dir, 0o777); // any container user may write, as upstream's emptyDir
      paths.set(volume.name, dir);
    } else if (volume.configMap || volume.secret) {
      const source = volume.configMap ?? volume.secret!;
      const name = volume.configMap ? volume.configMap.name : volume.secret!.secretName;
      const data = volume.configMap
        ? await sources.configMap(ns, name ?? '')
        : await sources.secret(ns, name ?? '');
      if (!data && !source.optional)
        throw new ContainerConfigError(`${volume.configMap ? 'configmap' : 'secret'} "${name}" not found`);
      writeKeyFiles(dir, data ?? new Map(), source.items, source.defaultMode ?? 0o644);
      paths.set(volume.name, dir);
    } else {
      throw new ContainerConfigError(`volume ${volume.name}: this kind of volume is not supported yet`);
    }
  }
  return paths;
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

/** Writes the keys into a fresh directory and swaps it in, so readers never see half a set. */
function writeKeyFiles(
  dir: string,
  data: KeyValues,
  items: { key: string; path: string; mode?: number }[] | undefined,
  defaultMode: number,
): void {
  const next = `${dir}.next`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  const entries = items ?? [...data.keys()].map((key) => ({ key, path: key, mode: undefined }));
  for (const item of entries) {
    const value = data.get(item.key);
    if (value === undefined) continue;
    const file = join(next, item.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, value, { mode: item.mode ?? defaultMode });
    chmodSync(file, item.mode ?? defaultMode);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(next, dir);
}

export function containerMounts(container: Container, volumes: Map<string, string>): Mount[] {
  return (container.volumeMounts ?? []).map((vm) => {
    const base = volumes.get(vm.name);
    if (!base) throw new ContainerConfigError(`volume ${vm.name} is not defined in the pod`);
    return {
      containerPath: vm.mountPath,
      hostPath: vm.subPath ? join(base, vm.subPath) : base,
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

export function removePodData(dataDir: string, pod: Pod): void {
  rmSync(podDataDir(dataDir, pod), { recursive: true, force: true });
}
