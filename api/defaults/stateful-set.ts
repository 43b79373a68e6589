// apps/v1 StatefulSet defaults (upstream SetDefaults_StatefulSet, with StatefulSetAutoDeletePVC
// on as in 1.32), including the claim templates' own defaults.
import {
  canonicalizeResourceList,
  child,
  eachObject,
  isObject,
  setDefault,
  setDefaultString,
} from './helpers.ts';
import { defaultPodTemplate } from './pod-spec.ts';

export function defaultStatefulSet(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (!spec) return;
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const us = child(spec, 'updateStrategy');
  if (us) {
    if (!us.type) {
      us.type = 'RollingUpdate';
      setDefault(us, 'rollingUpdate', {});
    }
    if (us.type === 'RollingUpdate' && isObject(us.rollingUpdate))
      setDefault(us.rollingUpdate, 'partition', 0);
  }
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setDefaultString(retention, 'whenDeleted', 'Retain');
    setDefaultString(retention, 'whenScaled', 'Retain');
  }
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec);
  eachObject(spec.volumeClaimTemplates, (pvc) => {
    const pvcSpec = child(pvc, 'spec');
    if (pvcSpec) {
      setDefault(pvcSpec, 'volumeMode', 'Filesystem');
      if (isObject(pvcSpec.resources)) {
        canonicalizeResourceList(pvcSpec.resources.requests);
        canonicalizeResourceList(pvcSpec.resources.limits);
      }
    }
    const status = child(pvc, 'status');
    if (status) setDefaultString(status, 'phase', 'Pending');
  });
}
