// The ServiceAccount admission plugin (upstream plugin/pkg/admission/serviceaccount): a pod
// without a service account runs as `default`; one that names another service account must name
// one that exists; and every container gets the account's API credentials as upstream's
// projected `kube-api-access-xxxxx` volume (a bound token, the cluster CA from the
// `kube-root-ca.crt` ConfigMap, and the namespace) at /var/run/secrets/kubernetes.io/serviceaccount,
// unless the pod or its ServiceAccount sets automountServiceAccountToken: false. Mirror pods
// (static pods the kubelet reports) are left alone.
//
// Unlike upstream we accept a pod naming `default` before the ServiceAccount controller has
// created it (the moments right after a namespace is created); such a pod gets the token volume.
import { randomInt } from 'node:crypto';
import { forbiddenBecause } from '../registry/errors.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/admission.ts';
import type { KubeObject } from '../registry/types.ts';
import type { RegistryReader } from './reader.ts';

export const defaultServiceAccountName = 'default';
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** Where containers find token, ca.crt and namespace (upstream DefaultAPITokenMountPath). */
export const serviceAccountTokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The projected volume's name is this plus `-` and five random characters. */
export const serviceAccountVolumePrefix = 'kube-api-access';
/** The ConfigMap the root-ca-cert-publisher keeps in every namespace. */
export const rootCaConfigMapName = 'kube-root-ca.crt';
/**
 * Upstream's token lifetime for these volumes (an hour and 7 s): the odd number lets the API
 * server recognise legacy-style mounts and warn when an old token is used.
 */
export const serviceAccountTokenExpirationSeconds = 3607;

/** The projected volume upstream gives (TokenVolumeSource), mode 0644 spelled out as it is. */
export function serviceAccountTokenVolumeSource() {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: serviceAccountTokenExpirationSeconds } },
      { configMap: { name: rootCaConfigMapName, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ],
  };
}

// Upstream's random name characters (k8s.io/apimachinery util/rand): no vowels, no look-alikes.
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = () =>
  Array.from({ length: 5 }, () => nameAlphabet[randomInt(nameAlphabet.length)]).join('');

interface VolumeMount {
  name?: string;
  mountPath?: string;
  readOnly?: boolean;
}
interface Container {
  volumeMounts?: VolumeMount[];
}
interface Volume {
  name?: string;
}

/** The pod's own setting wins over its ServiceAccount's; mounting is the default. */
function shouldAutomount(pod: KubeObject, account: KubeObject | undefined): boolean {
  const own = pod.spec?.automountServiceAccountToken;
  if (typeof own === 'boolean') return own;
  const fromAccount = account?.automountServiceAccountToken;
  return typeof fromAccount === 'boolean' ? fromAccount : true;
}

/** Adds the mount to every init and regular container that has nothing at the path yet, and the volume if any did. */
export function mountServiceAccountToken(spec: Record<string, unknown>): void {
  const volumes = (spec.volumes ?? []) as Volume[];
  // A pod that already has one (e.g. re-created from another pod's spec) keeps its name.
  const existing = volumes.find((v) => v.name?.startsWith(`${serviceAccountVolumePrefix}-`));
  const volumeName = existing?.name ?? `${serviceAccountVolumePrefix}-${randomSuffix()}`;
  let needed = false;
  for (const list of [spec.initContainers, spec.containers] as (Container[] | undefined)[]) {
    for (const container of list ?? []) {
      const mounts = container.volumeMounts ?? [];
      if (mounts.some((m) => m.mountPath === serviceAccountTokenMountPath)) continue;
      container.volumeMounts = [
        ...mounts,
        { name: volumeName, readOnly: true, mountPath: serviceAccountTokenMountPath },
      ];
      needed = true;
    }
  }
  if (needed && !existing)
    spec.volumes = [...volumes, { name: volumeName, projected: serviceAccountTokenVolumeSource() }];
}

export function serviceAccountAdmission(reader: RegistryReader): AdmissionPlugin {
  const isPodCreate = (a: AdmissionAttributes) =>
    a.operation === 'CREATE' && a.type.group === '' && a.type.plural === 'pods';
  return {
    name: 'ServiceAccount',
    async admit(a) {
      if (!isPodCreate(a)) return;
      const pod = a.object;
      if (pod.metadata?.annotations?.[mirrorPodAnnotation] !== undefined) return;
      pod.spec ??= {};
      const name = pod.spec.serviceAccountName || pod.spec.serviceAccount || defaultServiceAccountName;
      // serviceAccount is the deprecated twin upstream keeps equal to serviceAccountName.
      pod.spec.serviceAccountName = name;
      pod.spec.serviceAccount = name;
      // A missing account is refused in validate; here it only decides nothing.
      const account = await reader.get('/v1/serviceaccounts', a.namespace, name);
      if (shouldAutomount(pod, account)) mountServiceAccountToken(pod.spec);
    },
    async validate(a) {
      if (!isPodCreate(a)) return;
      const name = a.object.spec?.serviceAccountName;
      if (!name || name === defaultServiceAccountName) return;
      if (await reader.get('/v1/serviceaccounts', a.namespace, name)) return;
      throw forbiddenBecause(
        { group: '', resource: 'pods' },
        a.name,
        `error looking up service account ${a.namespace}/${name}: serviceaccount "${name}" not found`,
      );
    },
  };
}
