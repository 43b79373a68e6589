// apps/v1 ReplicaSet defaults (upstream SetDefaults_ReplicaSet).
import { child, isObject, setDefault } from './helpers.ts';
import { defaultPodTemplate } from './pod-spec.ts';

export function defaultReplicaSet(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec);
}
