// The Priority admission plugin (upstream plugin/pkg/admission/priority): a new pod's
// priorityClassName becomes its spec.priority (and preemptionPolicy); a pod without one gets
// the global default class, or priority 0. A pod may not name a class that does not exist, nor
// bring a priority of its own that disagrees with its class. For PriorityClasses it keeps a
// single globalDefault. The built-in system-node-critical and system-cluster-critical classes
// resolve even before anyone creates their objects.
import { systemPriorityClasses } from '../../../api/validation/priority-class.ts';
import { forbiddenBecause } from '../registry/errors.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/admission.ts';
import type { KubeObject } from '../registry/types.ts';
import type { RegistryReader } from './reader.ts';

const classes = 'scheduling.k8s.io/v1/priorityclasses';
const defaultPolicy = 'PreemptLowerPriority';

interface Resolved {
  name: string;
  value: number;
  preemptionPolicy: string;
}

export function priorityAdmission(reader: RegistryReader): AdmissionPlugin {
  const isPod = (a: AdmissionAttributes) => a.type.group === '' && a.type.plural === 'pods';
  const isClass = (a: AdmissionAttributes) =>
    a.type.group === 'scheduling.k8s.io' && a.type.plural === 'priorityclasses';
  const podForbidden = (a: AdmissionAttributes, why: string) =>
    forbiddenBecause({ group: '', resource: 'pods' }, a.name, why);

  async function resolve(a: AdmissionAttributes, name: string): Promise<Resolved> {
    const pc = reader.has(classes) ? await reader.get(classes, '', name) : undefined;
    if (pc) return { name, value: pc.value, preemptionPolicy: pc.preemptionPolicy ?? defaultPolicy };
    const system = Object.prototype.hasOwnProperty.call(systemPriorityClasses, name)
      ? systemPriorityClasses[name]
      : undefined;
    if (system !== undefined) return { name, value: system, preemptionPolicy: defaultPolicy };
    throw podForbidden(a, `no PriorityClass with name ${name} was found`);
  }

  async function globalDefault(): Promise<Resolved> {
    const all = reader.has(classes) ? await reader.list(classes, '') : [];
    // Upstream picks the lowest value if several claim to be the default (a race on creation).
    let best: KubeObject | undefined;
    for (const pc of all) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
    return best
      ? {
          name: best.metadata!.name,
          value: best.value,
          preemptionPolicy: best.preemptionPolicy ?? defaultPolicy,
        }
      : { name: '', value: 0, preemptionPolicy: defaultPolicy };
  }

  return {
    name: 'Priority',
    async admit(a) {
      if (!isPod(a)) return;
      const spec = (a.object.spec ??= {});
      if (a.operation === 'UPDATE') {
        // Set at creation and immutable: carry it over when an update leaves it out.
        const old = a.oldObject?.spec ?? {};
        if (spec.priority === undefined && old.priority !== undefined) spec.priority = old.priority;
        if (spec.preemptionPolicy === undefined && old.preemptionPolicy !== undefined)
          spec.preemptionPolicy = old.preemptionPolicy;
        return;
      }
      const r = spec.priorityClassName ? await resolve(a, spec.priorityClassName) : await globalDefault();
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== r.value) {
        throw podForbidden(
          a,
          `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${r.value} from the given PriorityClass name`,
        );
      }
      if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== r.preemptionPolicy) {
        throw podForbidden(
          a,
          `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${r.preemptionPolicy} from the given PriorityClass name`,
        );
      }
      if (r.name) spec.priorityClassName = r.name;
      spec.priority = r.value;
      spec.preemptionPolicy = r.preemptionPolicy;
    },
    async validate(a) {
      if (!isClass(a) || !a.object.globalDefault) return;
      for (const pc of await reader.list(classes, '')) {
        if (pc.globalDefault && pc.metadata?.name !== a.object.metadata?.name) {
          throw forbiddenBecause(
            { group: 'scheduling.k8s.io', resource: 'priorityclasses' },
            a.object.metadata?.name ?? '',
            `PriorityClass ${pc.metadata?.name} is already marked as default. Only one default can exist`,
          );
        }
      }
    },
  };
}
