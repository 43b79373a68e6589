// YAML request bodies and manifests, read the way kubectl and the API server read them
// (sigs.k8s.io/yaml on go-yaml v2): YAML 1.1 scalars (`yes` is true, `0777` is octal), but
// timestamps stay strings. Hard caps: alias expansion (billion laughs), nesting depth; duplicate
// keys are reported by path rather than silently collapsed.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { DecodeError, type SourcePosition } from './errors.ts';
import { defaultMaxDepth, formatPath } from './json.ts';

export interface YAMLDecodeOptions {
  maxDepth?: number;
  /** Maximum alias references expanded per document (the `yaml` package's maxAliasCount). Default 100. */
  maxAliasCount?: number;
}

export interface YAMLDocument {
  /** The document's value; null for an empty document. */
  value: unknown;
  /** Paths of keys repeated within one mapping. */
  duplicateFields: string[];
  /** Where the document starts. */
  position: SourcePosition;
}

export const defaultMaxAliasCount = 100;

// go-yaml v2 keeps timestamps as strings and has no sexagesimal numbers, !!binary, !!set, ...
const droppedTags = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);
const yamlOptions = {
  version: '1.1' as const,
  merge: true,
  uniqueKeys: false,
  customTags: (tags: any[]) => tags.filter((t) => !droppedTags.has(t.tag) && t.format !== 'TIME'),
};

/**
 * The `yaml` parser dies (out of memory, uncatchable) on flow collections nested ~10k deep, so
 * count brackets before parsing. The count is naive (quotes are not tracked), hence a bound far
 * above any real manifest rather than maxDepth itself; the exact check runs on the parsed tree.
 */
const flowBracketLimit = 1000;

function guardFlowNesting(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > flowBracketLimit) {
        const position = positionAt(text, i);
        throw new DecodeError(
          'depth',
          `YAML nesting exceeded max depth of ${flowBracketLimit} brackets at line ${position.line}, column ${position.column}`,
          position,
        );
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** Walk the syntax tree (before alias expansion): depth cap and duplicate keys. */
function inspect(doc: Document, text: string, maxDepth: number, index: number): string[] {
  const duplicates: string[] = [];
  const path: (string | number)[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (isMap(node) || isSeq(node)) {
      if (depth + 1 > maxDepth) {
        const position = positionAt(text, (node as Node).range?.[0] ?? 0);
        throw new DecodeError(
          'depth',
          `YAML nesting exceeded max depth of ${maxDepth} at line ${position.line}, column ${position.column}`,
          position,
          index,
        );
      }
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) {
          if (seen.has(key) && key !== '<<') duplicates.push(formatPath([...path, key]));
          seen.add(key);
        }
        path.push(key ?? '?');
        visit(pair.value, depth + 1);
        path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        path.push(i);
        visit(item, depth + 1);
        path.pop();
      });
    }
  };
  visit(doc.contents, 0);
  return duplicates;
}

/** After expansion: aliases can rebuild depth, and JSON cannot carry NaN or infinities. */
function checkValue(value: unknown, maxDepth: number, index: number, position: SourcePosition): void {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++visited > 10_000_000)
      throw new DecodeError('aliases', 'YAML document expands to too many values', position, index);
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new DecodeError(
        'value',
        `YAML document ${index + 1} contains ${v}, which JSON cannot represent`,
        position,
        index,
      );
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > maxDepth)
      throw new DecodeError('depth', `YAML nesting exceeded max depth of ${maxDepth}`, position, index);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
}

function syntaxError(
  err: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]]; pos: [number, number] },
  index: number,
): DecodeError {
  const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const line = err.linePos?.[0]?.line ?? 1;
  const column = err.linePos?.[0]?.col ?? 1;
  return new DecodeError(
    'syntax',
    `invalid YAML at line ${line}, column ${column}: ${reason}`,
    { line, column, offset: err.pos[0] },
    index,
  );
}

/** Every document of a (multi-document) YAML stream; throws DecodeError. */
export function decodeYAMLDocuments(text: string, opts: YAMLDecodeOptions = {}): YAMLDocument[] {
  const maxDepth = opts.maxDepth ?? defaultMaxDepth;
  const maxAliasCount = opts.maxAliasCount ?? defaultMaxAliasCount;
  let docs: ReturnType<typeof parseAllDocuments>;
  guardFlowNesting(text);
  try {
    docs = parseAllDocuments(text, yamlOptions);
  } catch (err) {
    if (err instanceof RangeError)
      throw new DecodeError('depth', `YAML nesting exceeded max depth of ${maxDepth}`);
    throw err;
  }
  const list = Array.isArray(docs) ? docs : [];
  return list.map((doc, index) => {
    if (doc.errors.length) throw syntaxError(doc.errors[0] as any, index);
    const position = positionAt(text, (doc.contents as Node | null)?.range?.[0] ?? doc.range?.[0] ?? 0);
    const duplicateFields = inspect(doc as Document, text, maxDepth, index);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (err) {
      if (err instanceof ReferenceError || /alias/i.test((err as Error).message))
        throw new DecodeError(
          'aliases',
          `YAML document ${index + 1} expands too many aliases (more than ${maxAliasCount}); refusing it as a resource exhaustion attack`,
          position,
          index,
        );
      if (err instanceof RangeError)
        throw new DecodeError('depth', `YAML nesting exceeded max depth of ${maxDepth}`, position, index);
      throw new DecodeError(
        'syntax',
        `invalid YAML in document ${index + 1}: ${(err as Error).message}`,
        position,
        index,
      );
    }
    checkValue(value, maxDepth, index, position);
    return { value: value ?? null, duplicateFields, position };
  });
}
