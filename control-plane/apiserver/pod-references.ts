// The names a pod refers to, as upstream's Node authorizer graph records them
// (plugin/pkg/auth/authorizer/node/graph_populator.go): what a kubelet will read for it.
import type { KubeObject } from './registry/types.ts';

export type ReferenceKind = 'secret' | 'configmap' | 'pvc';

/** Every object of `kind` a pod refers to (volumes, projected sources, env, envFrom, pull secrets). */
export function podReferences(pod: KubeObject, kind: ReferenceKind): Set<string> {
  const names = new Set<string>();
  const add = (n: unknown) => typeof n === 'string' && n !== '' && names.add(n);
  const spec = pod.spec ?? {};
  for (const v of spec.volumes ?? []) {
    if (kind === 'secret') add(v.secret?.secretName);
    if (kind === 'configmap') add(v.configMap?.name);
    if (kind === 'pvc') {
      add(v.persistentVolumeClaim?.claimName);
      // Generic ephemeral volumes are claims named <pod>-<volume>.
      if (v.ephemeral) add(`${pod.metadata?.name}-${v.name}`);
    }
    for (const source of v.projected?.sources ?? []) {
      if (kind === 'secret') add(source.secret?.name);
      if (kind === 'configmap') add(source.configMap?.name);
    }
    if (kind === 'secret') {
      add(v.cephfs?.secretRef?.name);
      add(v.rbd?.secretRef?.name);
      add(v.iscsi?.secretRef?.name);
      add(v.csi?.nodePublishSecretRef?.name);
    }
  }
  if (kind === 'secret') for (const s of spec.imagePullSecrets ?? []) add(s.name);
  if (kind !== 'pvc')
    for (const c of [
      ...(spec.initContainers ?? []),
      ...(spec.containers ?? []),
      ...(spec.ephemeralContainers ?? []),
    ]) {
      for (const e of c.env ?? [])
        add(kind === 'secret' ? e.valueFrom?.secretKeyRef?.name : e.valueFrom?.configMapKeyRef?.name);
      for (const e of c.envFrom ?? []) add(kind === 'secret' ? e.secretRef?.name : e.configMapRef?.name);
    }
  return names;
}

/** The service account a pod runs as (upstream defaults an empty name to `default`). */
export const podServiceAccount = (pod: KubeObject): string => pod.spec?.serviceAccountName || 'default';
