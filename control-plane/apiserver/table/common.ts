// Building blocks shared by the per-type printers: the column shape, NAME and AGE, and the cell
// formatting helpers upstream's k8s.io/kubernetes/pkg/printers/internalversion/printers.go uses
// (timestamps as ages, label selectors, container names and images, "<none>" for empty).
import { labelSelectorToString } from '../../../api/labels/label-selector.ts';
import { canonicalQuantity } from '../../../api/quantity.ts';
import { ageOf } from './human-duration.ts';

/** A row condition (upstream marks finished pods `Completed`; kubectl can hide them). */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableColumn {
  /** Header as upstream names it ("Name", "Ready", "Age"); kubectl upper-cases it. */
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = always shown; higher = only with `-o wide`. */
  priority: number;
  /** The cell for one object; `now` is the conversion time in ms (for ages). */
  cell: (obj: any, now: number) => unknown;
}

/** A type's printer: its columns, and optionally conditions attached to each row. */
export interface TypePrinter {
  columns: readonly TableColumn[];
  conditions?: (obj: any) => RowCondition[] | undefined;
}

export const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
  cell: (obj) => obj?.metadata?.name ?? '',
};

export const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
  cell: (obj, now) => ageOf(obj?.metadata?.creationTimestamp, now),
};

/**
 * Upstream's default table convertor (k8s.io/apiserver rest.NewDefaultTableConvertor), for types
 * printers.go has no printer for (LimitRange): the creation time itself, not an age.
 */
export const createdAtColumn: TableColumn = {
  name: 'Created At',
  type: 'date',
  description: ageColumn.description,
  priority: 0,
  cell: (obj) => obj?.metadata?.creationTimestamp ?? null,
};

/** A column in the printers.go style: name, type, description, cell; `wide` sets priority 1. */
export function column(
  name: string,
  type: TableColumn['type'],
  description: string,
  cell: TableColumn['cell'],
  opts: { wide?: boolean; format?: string } = {},
): TableColumn {
  return {
    name,
    type,
    description,
    priority: opts.wide ? 1 : 0,
    cell,
    ...(opts.format ? { format: opts.format } : {}),
  };
}

/** Empty values print as `<none>` across upstream's printers. */
export function orNone(s: string | undefined | null): string {
  return s ? s : '<none>';
}

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`, `<none>` for empty or missing, `<error>` when invalid. */
export function formatLabelSelector(selector: unknown): string {
  try {
    return orNone(labelSelectorToString(selector as any));
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels: a map as `k=v,k2=v2` (sorted by key), `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  return orNone(keys.map((k) => `${k}=${labels![k]}`).join(','));
}

/** A pod template's container names and images, comma separated (upstream layoutContainerCells). */
export function containerNames(podSpec: any): string {
  return (podSpec?.containers ?? []).map((c: any) => c?.name ?? '').join(',');
}

export function containerImages(podSpec: any): string {
  return (podSpec?.containers ?? []).map((c: any) => c?.image ?? '').join(',');
}

/** Quantity.String(): canonical form, "0" when absent. */
export function quantityString(q: unknown): string {
  if (q === undefined || q === null || q === '') return '0';
  try {
    return canonicalQuantity(q as string | number);
  } catch {
    return String(q);
  }
}

/** `a,b,c + 2 more...` with at most `max` shown (upstream listWithMoreString). */
export function listWithMore(list: string[], total: number, max: number): string {
  const shown = list.slice(0, max).join(',');
  return total > max ? `${shown} + ${total - max} more...` : shown;
}

export function int(n: unknown): number {
  return typeof n === 'number' ? n : 0;
}

/** Upstream printBool / printBoolPtr. */
export function boolString(v: unknown): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

export function hasTrueCondition(obj: any, type: string): boolean {
  return (obj?.status?.conditions ?? []).some((c: any) => c?.type === type && c?.status === 'True');
}

/** Upstream GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, whatever order they were given in. */
export function accessModes(modes: string[] | undefined): string {
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([m]) => (modes ?? []).includes(m))
    .map(([, s]) => s)
    .join(',');
}
