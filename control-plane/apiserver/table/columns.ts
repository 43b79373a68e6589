// Column definitions for `kubectl get` tables. Every type gets NAME and AGE; a type can register
// its own columns (issue #4 adds upstream's per-type printers) in `typeColumns` below, keyed by
// `group/Kind`, and the conversion picks them up without other changes.
import { ageOf } from './human-duration.ts';

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

export const defaultColumns: readonly TableColumn[] = [nameColumn, ageColumn];

/** Per-type columns, `group/Kind` -> columns (including Name and Age where the type shows them). */
export const typeColumns = new Map<string, readonly TableColumn[]>();

export function columnsFor(group: string, kind: string): readonly TableColumn[] {
  return typeColumns.get(`${group}/${kind}`) ?? defaultColumns;
}
