// `kubectl get priorityclasses`: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY.
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';

export const priorityClassPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Value',
      'integer',
      'value represents the integer value of this priority class.',
      (o) => o.value ?? 0,
    ),
    column(
      'Global-Default',
      'boolean',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
      (o) => o.globalDefault === true,
    ),
    ageColumn,
    column(
      'PreemptionPolicy',
      'string',
      'preemptionPolicy is the Policy for preempting pods with lower priority.',
      (o) => o.preemptionPolicy ?? '',
    ),
  ],
};
