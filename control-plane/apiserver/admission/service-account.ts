// The ServiceAccount admission plugin (upstream plugin/pkg/admission/serviceaccount): a pod
// without a service account runs as `default`; one that names another service account must name
// one that exists. Mirror pods (static pods the kubelet reports) are left alone.
//
// Unlike upstream we accept a pod naming `default` before the ServiceAccount controller has
// created it (the moments right after a namespace is created), and we do not project an API
// token volume: the node agent does not serve ServiceAccount tokens to containers yet.
import { forbiddenBecause } from '../registry/errors.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/admission.ts';
import type { RegistryReader } from './reader.ts';

export const defaultServiceAccountName = 'default';
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

export function serviceAccountAdmission(reader: RegistryReader): AdmissionPlugin {
  const isPodCreate = (a: AdmissionAttributes) =>
    a.operation === 'CREATE' && a.type.group === '' && a.type.plural === 'pods';
  return {
    name: 'ServiceAccount',
    admit(a) {
      if (!isPodCreate(a)) return;
      const pod = a.object;
      if (pod.metadata?.annotations?.[mirrorPodAnnotation] !== undefined) return;
      pod.spec ??= {};
      const name = pod.spec.serviceAccountName || pod.spec.serviceAccount || defaultServiceAccountName;
      // serviceAccount is the deprecated twin upstream keeps equal to serviceAccountName.
      pod.spec.serviceAccountName = name;
      pod.spec.serviceAccount = name;
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
