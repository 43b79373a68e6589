// scheduling.k8s.io/v1 PriorityClass validation (upstream pkg/apis/scheduling/validation).
import type { FieldError } from '../resource-type.ts';
import { forbidden, invalid, notSupported, required } from './errors.ts';
import { FieldPath } from './path.ts';
import { isBool } from './common.ts';

/** Upstream's scheduling.HighestUserDefinablePriority. */
export const highestUserDefinablePriority = 1_000_000_000;

/** The classes the API server defines itself, and their values (upstream SystemPriorityClasses). */
export const systemPriorityClasses: Readonly<Record<string, number>> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

const preemptionPolicies = ['Never', 'PreemptLowerPriority'];

export function validatePriorityClass(obj: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof obj?.metadata?.name === 'string' ? obj.metadata.name : '';
  const value = obj?.value;
  const system = Object.prototype.hasOwnProperty.call(systemPriorityClasses, name)
    ? systemPriorityClasses[name]
    : undefined;
  if (name.startsWith('system-') && system === undefined) {
    errs.push(
      forbidden(
        FieldPath.root('metadata', 'name'),
        "priority class names with 'system-' prefix are reserved",
      ),
    );
  }
  if (value === undefined || value === null) errs.push(required(FieldPath.root('value'), ''));
  else if (!Number.isInteger(value) || value < -2_147_483_648 || value > 2_147_483_647)
    errs.push(invalid(FieldPath.root('value'), value, 'must be a 32-bit integer'));
  else if (system !== undefined && value !== system)
    errs.push(
      invalid(FieldPath.root('value'), value, `value of system priority class ${name} must be ${system}`),
    );
  else if (system === undefined && value > highestUserDefinablePriority)
    errs.push(
      forbidden(
        FieldPath.root('value'),
        `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`,
      ),
    );
  errs.push(...isBool(obj?.globalDefault, FieldPath.root('globalDefault')));
  const policy = obj?.preemptionPolicy;
  if (policy !== undefined && !preemptionPolicies.includes(policy))
    errs.push(notSupported(FieldPath.root('preemptionPolicy'), policy, preemptionPolicies));
  if (old) {
    if (old.value !== value)
      errs.push(forbidden(FieldPath.root('value'), 'may not be changed in an update.'));
    if ((old.preemptionPolicy ?? 'PreemptLowerPriority') !== (policy ?? 'PreemptLowerPriority'))
      errs.push(forbidden(FieldPath.root('preemptionPolicy'), 'may not be changed in an update.'));
  }
  return errs;
}
