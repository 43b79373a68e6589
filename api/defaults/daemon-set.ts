// apps/v1 DaemonSet defaults (upstream SetDefaults_DaemonSet).
import { child, isObject, setDefault, setDefaultString } from './helpers.ts';
import { defaultPodTemplate } from './pod-spec.ts';

export function defaultDaemonSet(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (!spec) return;
  const us = child(spec, 'updateStrategy');
  if (us) {
    setDefaultString(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = child(us, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', 1);
        setDefault(ru, 'maxSurge', 0);
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec);
}
