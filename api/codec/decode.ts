// Request bodies and manifests to Kubernetes objects: JSON or YAML, one object, several YAML
// documents, or a v1 List, with the caps of json.ts and yaml.ts. Everything here runs in the
// browser as well as in Node (no Buffer, no fs).
import { DecodeError, type SourcePosition } from './errors.ts';
import { decodeJSON } from './json.ts';
import { decodeYAMLDocuments } from './yaml.ts';

export type BodyFormat = 'json' | 'yaml';

export type KubeObject = Record<string, any> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, any>;
};

export interface DecodeOptions {
  /** Default: from the first non-blank character (`{` or `[` means JSON). */
  format?: BodyFormat;
  /** Maximum nesting depth of objects and arrays. Default 100. */
  maxDepth?: number;
  /** YAML aliases expanded per document. Default 100. */
  maxAliasCount?: number;
  /** Throw a DecodeError on a repeated key instead of reporting it in duplicateFields. */
  refuseDuplicates?: boolean;
}

export interface DecodedObjects {
  objects: KubeObject[];
  /** Repeated keys by path; prefixed with `[n]` for the nth document of a multi-document body. */
  duplicateFields: string[];
}

/** The body format a Content-Type names, or undefined for an unsupported one. */
export function formatFromContentType(contentType: string | undefined): BodyFormat | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  if (mediaType === 'application/yaml' || mediaType.endsWith('+yaml') || mediaType === 'text/yaml')
    return 'yaml';
  return undefined;
}

/** Bytes to text: UTF-8, a leading byte-order mark dropped. */
export function bodyText(body: string | Uint8Array): string {
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8').decode(body);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function sniff(text: string): BodyFormat {
  const m = /\S/.exec(text);
  return m && (m[0] === '{' || m[0] === '[') ? 'json' : 'yaml';
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function requireObject(v: unknown, where: string, position?: SourcePosition, document?: number): KubeObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new DecodeError(
      'not-object',
      `${where} must be an object (a mapping), not ${kindOf(v)}`,
      position,
      document,
    );
  return v as KubeObject;
}

function refuse(duplicates: string[], opts: DecodeOptions): void {
  if (opts.refuseDuplicates && duplicates.length)
    throw new DecodeError('duplicate', `duplicate field "${duplicates[0]}"`);
}

interface RawDocument {
  value: unknown;
  duplicateFields: string[];
  position?: SourcePosition;
}

function documents(body: string | Uint8Array, opts: DecodeOptions): RawDocument[] {
  const text = bodyText(body);
  const format = opts.format ?? sniff(text);
  if (format === 'json') return [decodeJSON(text, opts)];
  return decodeYAMLDocuments(text, opts).filter((d) => d.value !== null);
}

/** Any single JSON value with the same caps (JSON Patch bodies are arrays). Throws DecodeError. */
export function decodeValue(
  body: string | Uint8Array,
  opts: DecodeOptions = {},
): { value: unknown; duplicateFields: string[] } {
  const docs = documents(body, opts);
  if (docs.length === 0) throw new DecodeError('empty', 'the request body is empty');
  if (docs.length > 1)
    throw new DecodeError('syntax', `expected one document, found ${docs.length}`, docs[1].position, 1);
  refuse(docs[0].duplicateFields, opts);
  return { value: docs[0].value, duplicateFields: docs[0].duplicateFields };
}

/** Exactly one object (a create/update/apply body). Throws DecodeError. */
export function decodeObject(
  body: string | Uint8Array,
  opts: DecodeOptions = {},
): { object: KubeObject; duplicateFields: string[] } {
  const { value, duplicateFields } = decodeValue(body, opts);
  return { object: requireObject(value, 'the body'), duplicateFields };
}

/** All objects of a manifest: YAML documents in order, v1 Lists flattened into their items. */
export function decodeObjects(body: string | Uint8Array, opts: DecodeOptions = {}): DecodedObjects {
  const docs = documents(body, opts);
  const objects: KubeObject[] = [];
  const duplicateFields: string[] = [];
  docs.forEach((doc, i) => {
    const where = docs.length > 1 ? `document ${i + 1}` : 'the body';
    const obj = requireObject(doc.value, where, doc.position, i);
    refuse(doc.duplicateFields, opts);
    duplicateFields.push(...doc.duplicateFields.map((f) => (docs.length > 1 ? `[${i}].${f}` : f)));
    flatten(obj, where, objects, doc.position, i);
  });
  return { objects, duplicateFields };
}

/** A kind ending in `List` with an `items` array is a list (v1 List, PodList, ...). */
export function isList(obj: KubeObject): boolean {
  return typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items);
}

function flatten(
  obj: KubeObject,
  where: string,
  out: KubeObject[],
  position: SourcePosition | undefined,
  doc: number,
): void {
  if (!isList(obj)) {
    out.push(obj);
    return;
  }
  (obj.items as unknown[]).forEach((item, j) => {
    const child = requireObject(item, `${where}: items[${j}]`, position, doc);
    flatten(child, `${where}: items[${j}]`, out, position, doc);
  });
}
