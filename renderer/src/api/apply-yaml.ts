// The YAML editor's work: split a text into objects, find each one's API path through
// discovery, ask the server (dry-run or for real) with server-side apply, and turn every
// problem into a diagnostic at the line it is about: YAML syntax errors where the parser
// stopped, server field errors (422 causes like `spec.replicas`) at that field's line.
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { applyObject, getJson, type KubeObject } from './client.ts';
import { ApiError } from './errors.ts';
import { groupVersionPath } from './resource-kinds.ts';

export interface Diagnostic {
  /** 1-based line. */
  line: number;
  /** Offsets into the text, for the editor's underline. */
  from: number;
  to: number;
  message: string;
}

export interface ApplyResult {
  applied: KubeObject[];
  diagnostics: Diagnostic[];
}

interface Located {
  doc: Document;
  obj: KubeObject;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function diag(text: string, from: number, to: number, message: string): Diagnostic {
  return { line: lineAt(text, from), from, to: Math.max(to, from + 1), message };
}

/** Parses every document; syntax problems come back as diagnostics at their line. */
export function parseObjects(text: string): { objects: Located[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const objects: Located[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (!('errors' in doc)) continue;
    for (const e of doc.errors) diagnostics.push(diag(text, e.pos[0], e.pos[1], e.message.split('\n')[0]!));
    if (doc.errors.length) continue;
    const obj = doc.toJS() as KubeObject | null;
    if (obj === null || obj === undefined) continue;
    const start = doc.range[0];
    if (typeof obj !== 'object' || Array.isArray(obj)) {
      diagnostics.push(diag(text, start, doc.range[1], 'expected a Kubernetes object (a mapping)'));
      continue;
    }
    for (const field of ['apiVersion', 'kind'] as const) {
      if (typeof obj[field] !== 'string')
        diagnostics.push(diag(text, start, start + 1, `${field} is required`));
    }
    if (typeof obj.metadata?.name !== 'string')
      diagnostics.push(diag(text, start, start + 1, 'metadata.name is required'));
    if (diagnostics.length === 0) objects.push({ doc, obj });
  }
  return { objects, diagnostics };
}

/** `spec.template.spec.containers[0].image` -> ['spec','template','spec','containers',0,'image']. */
export function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of field.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      path.push(part);
      continue;
    }
    if (m[1]) path.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
  }
  return path;
}

/** The text range of a field in a document, or of its nearest ancestor that exists. */
export function fieldRange(doc: Document, field: string): [number, number] | undefined {
  const path = fieldPath(field);
  while (path.length > 0) {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    const last = path[path.length - 1]!;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === last);
      const keyRange = (pair?.key as { range?: [number, number, number] })?.range;
      if (keyRange) return [keyRange[0], keyRange[1]];
    } else if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last] as { range?: [number, number, number] } | undefined;
      if (item?.range) return [item.range[0], item.range[1]];
    }
    path.pop();
  }
  return undefined;
}

/** Where a server error points: each field cause, or the field named in the message. */
export function serverDiagnostics(text: string, doc: Document, err: unknown): Diagnostic[] {
  const start = doc.range?.[0] ?? 0;
  const message = err instanceof Error ? err.message : String(err);
  const causes = err instanceof ApiError ? err.causes.filter((c) => c.field) : [];
  const fields = causes.length
    ? causes.map((c) => ({ field: c.field!, message: `${c.field}: ${c.message ?? c.reason ?? message}` }))
    : [...message.matchAll(/(?:unknown field|field) "([^"]+)"/g)].map((m) => ({ field: m[1]!, message }));
  if (fields.length === 0) return [diag(text, start, start + 1, message)];
  return fields.map(({ field, message: msg }) => {
    const range = fieldRange(doc, field.replace(/^\.?/, ''));
    return range ? diag(text, range[0], range[1], msg) : diag(text, start, start + 1, msg);
  });
}

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const discovery = new Map<string, Promise<DiscoveredResource[]>>();

async function resourceFor(apiVersion: string, kind: string): Promise<DiscoveredResource | undefined> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const path = groupVersionPath(group!, version!);
  if (!discovery.has(path))
    discovery.set(
      path,
      getJson<{ resources: DiscoveredResource[] }>(path).then((l) =>
        l.resources.filter((r) => !r.name.includes('/')),
      ),
    );
  try {
    return (await discovery.get(path)!).find((r) => r.kind === kind);
  } catch (err) {
    discovery.delete(path);
    throw err;
  }
}

async function pathOf(obj: KubeObject): Promise<string> {
  const r = await resourceFor(obj.apiVersion!, obj.kind!);
  if (!r) throw new Error(`the server does not know ${obj.kind} in ${obj.apiVersion}`);
  const base = groupVersionPath(
    ...((obj.apiVersion!.includes('/') ? obj.apiVersion!.split('/') : ['', obj.apiVersion!]) as [
      string,
      string,
    ]),
  );
  const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace ?? 'default'}` : '';
  return `${base}${ns}/${r.name}/${encodeURIComponent(obj.metadata.name)}`;
}

/** Validates (dryRun) or applies every object in the text, in order; stops at the first error. */
export async function applyYaml(text: string, opts: { dryRun: boolean }): Promise<ApplyResult> {
  const { objects, diagnostics } = parseObjects(text);
  if (diagnostics.length) return { applied: [], diagnostics };
  if (objects.length === 0)
    return {
      applied: [],
      diagnostics: [{ line: 1, from: 0, to: 1, message: 'nothing to apply: the text has no objects' }],
    };
  const applied: KubeObject[] = [];
  for (const { doc, obj } of objects) {
    try {
      applied.push(await applyObject(await pathOf(obj), obj, { dryRun: opts.dryRun }));
    } catch (err) {
      return { applied, diagnostics: serverDiagnostics(text, doc, err) };
    }
  }
  return { applied, diagnostics: [] };
}
