// Objects and lists to meta.k8s.io/v1 Table, the shape `kubectl get` asks for with
// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`. `includeObject` decides what each row
// carries besides its cells: the whole object, its metadata (the default), or nothing.
import { printerFor, type TableColumn, type TypePrinter } from './columns.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(v: string | null): IncludeObject | undefined {
  if (v === null || v === '') return 'Metadata';
  return v === 'None' || v === 'Metadata' || v === 'Object' ? v : undefined;
}

export interface TableTarget {
  group: string;
  kind: string;
  /** meta.k8s.io version the client asked for (v1 or v1beta1). */
  version: string;
  includeObject: IncludeObject;
}

function rowObject(obj: any, include: IncludeObject, metaVersion: string): unknown {
  if (include === 'Object') return obj;
  if (include === 'None') return undefined;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${metaVersion}`,
    metadata: obj?.metadata ?? {},
  };
}

function columnDefinitions(columns: readonly TableColumn[]) {
  return columns.map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description,
    priority: c.priority,
  }));
}

function row(obj: any, printer: TypePrinter, target: TableTarget, now: number) {
  const object = rowObject(obj, target.includeObject, target.version);
  const conditions = printer.conditions?.(obj);
  return {
    cells: printer.columns.map((c) => c.cell(obj, now)),
    ...(conditions ? { conditions } : {}),
    ...(object === undefined ? {} : { object }),
  };
}

/**
 * A Table for a list (`items`) or a single object. List metadata (resourceVersion, continue,
 * remainingItemCount) is carried over so paging and watch-from-list keep working.
 */
export function toTable(source: any, target: TableTarget, now = Date.now(), withColumns = true): unknown {
  const printer = printerFor(target.group, target.kind);
  const isList = Array.isArray(source?.items);
  const objects: any[] = isList ? source.items : [source];
  const metadata: Record<string, unknown> = {};
  const listMeta = isList ? source.metadata : undefined;
  if (listMeta?.resourceVersion) metadata['resourceVersion'] = listMeta.resourceVersion;
  else if (!isList && source?.metadata?.resourceVersion)
    metadata['resourceVersion'] = source.metadata.resourceVersion;
  if (listMeta?.continue) metadata['continue'] = listMeta.continue;
  if (listMeta?.remainingItemCount !== undefined)
    metadata['remainingItemCount'] = listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${target.version}`,
    metadata,
    ...(withColumns
      ? { columnDefinitions: columnDefinitions(printer.columns) }
      : { columnDefinitions: null }),
    rows: objects.map((o) => row(o, printer, target, now)),
  };
}
