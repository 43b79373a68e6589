// batch/v1 Job and CronJob defaults (upstream SetDefaults_Job / SetDefaults_CronJob), and the
// selector the API server generates for a Job from its uid (upstream generateSelector).
import { child, eachObject, isObject, setDefault, setDefaultString } from './helpers.ts';
import { defaultPodTemplate } from './pod-spec.ts';

export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyJobNameLabel = 'job-name';
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const legacyControllerUidLabel = 'controller-uid';

export function defaultJob(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (!spec) return;
  if ((spec.completions ?? null) === null && (spec.parallelism ?? null) === null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(
    spec,
    'backoffLimit',
    spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6,
  );
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  if (isObject(spec.podFailurePolicy))
    eachObject(spec.podFailurePolicy.rules, (r) =>
      eachObject(r.onPodConditions, (c) => setDefaultString(c, 'status', 'True')),
    );
  setDefault(
    spec,
    'podReplacementPolicy',
    isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed',
  );
  defaultPodTemplate(spec);
  copyTemplateLabels(obj);
}

/** A job without labels of its own takes its pod template's (upstream SetDefaults_Job). */
function copyTemplateLabels(obj: Record<string, any>): void {
  const labels = obj.spec?.template?.metadata?.labels;
  if (!isObject(labels) || Object.keys(labels).length === 0) return;
  const meta = child(obj, 'metadata');
  if (meta && (!isObject(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...labels };
}

/**
 * Unless spec.manualSelector is true, select the job's pods by its uid and label the template
 * with the job's name and uid. Upstream does this in the Job strategy's Validate, once the uid
 * exists; our Job validation calls it too. Returns false when there is no uid yet.
 */
export function generateJobSelector(obj: any): boolean {
  if (!isObject(obj) || !isObject(obj.spec) || obj.spec.manualSelector === true) return false;
  const name = obj.metadata?.name;
  const uid = obj.metadata?.uid;
  if (typeof uid !== 'string' || uid === '') return false;
  const tpl = child(obj.spec, 'template');
  const tplMeta = tpl && child(tpl, 'metadata');
  const labels = tplMeta && child(tplMeta, 'labels');
  if (!labels) return false;
  for (const key of [legacyJobNameLabel, jobNameLabel])
    if (!Object.hasOwn(labels, key) && typeof name === 'string') labels[key] = name;
  for (const key of [legacyControllerUidLabel, controllerUidLabel])
    if (!Object.hasOwn(labels, key)) labels[key] = uid;
  const selector = child(obj.spec, 'selector');
  const matchLabels = selector && child(selector, 'matchLabels');
  if (matchLabels && !Object.hasOwn(matchLabels, controllerUidLabel)) matchLabels[controllerUidLabel] = uid;
  copyTemplateLabels(obj);
  return true;
}

export function defaultCronJob(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (!spec) return;
  setDefaultString(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jt = child(spec, 'jobTemplate');
  const jobSpec = jt && child(jt, 'spec');
  if (jobSpec) defaultPodTemplate(jobSpec);
}
