// The DefaultStorageClass admission plugin (upstream plugin/pkg/admission/storage/storageclass/setdefault):
// a claim that names no class (storageClassName left out, not "") gets the default class, the
// StorageClass annotated storageclass.kubernetes.io/is-default-class=true (the newest, if several).
import type { AdmissionPlugin } from '../registry/admission.ts';
import type { RegistryReader } from './reader.ts';

export const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
const classesKey = 'storage.k8s.io/v1/storageclasses';

export function defaultStorageClassAdmission(reader: RegistryReader): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    async admit(a) {
      if (a.operation !== 'CREATE' || a.type.group !== '' || a.type.plural !== 'persistentvolumeclaims')
        return;
      const spec = (a.object.spec ??= {});
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      if (!reader.has(classesKey)) return;
      const defaults = (await reader.list(classesKey, ''))
        .filter((c) => c.metadata?.annotations?.[defaultClassAnnotation] === 'true')
        .sort(
          (x, y) =>
            String(y.metadata?.creationTimestamp).localeCompare(String(x.metadata?.creationTimestamp)) ||
            String(x.metadata?.name).localeCompare(String(y.metadata?.name)),
        );
      if (defaults[0]) spec.storageClassName = defaults[0].metadata!.name;
    },
  };
}
