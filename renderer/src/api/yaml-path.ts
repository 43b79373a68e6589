// Where the cursor is in a YAML text, as a Kubernetes field path: which document (and its
// apiVersion/kind), and the keys and list items from the document's root down to the cursor.
// Hover reads the parsed document (the yaml package's AST), which is whole by then. Completion
// happens while a line is half typed (`  rep`), which the parser reads as a scalar value
// rather than a key, so it reads the indentation of the lines above instead, as an editor does.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';

/** Steps from the document root: a map key, or '[]' for an item of a list. */
export type FieldPath = string[];

export interface DocumentInfo {
  apiVersion?: string;
  kind?: string;
  /** Offsets of the document in the text. */
  from: number;
  to: number;
}

export interface CompletionContext {
  doc: DocumentInfo;
  /** The map the cursor is in (for a key) or the key whose value is being typed. */
  path: FieldPath;
  /** What is typed so far, and where it starts. */
  prefix: string;
  from: number;
  /** `key`: a field name is being typed; `value`: the value of the last step of `path`. */
  at: 'key' | 'value';
  /** The column keys are written at here (for indenting what a completion inserts). */
  column: number;
}

const stringValue = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The document around `offset` in a multi-document text, with its apiVersion and kind. */
export function documentAt(text: string, offset: number): DocumentInfo {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  let found = list[0];
  for (const d of list) if (d.range[0] <= offset) found = d;
  if (!found) return { from: 0, to: text.length };
  const contents = found.contents;
  const get = (k: string) => (isMap(contents) ? stringValue(contents.get(k)) : undefined);
  return { apiVersion: get('apiVersion'), kind: get('kind'), from: found.range[0], to: found.range[2] };
}

interface LineShape {
  /** Column of each `- ` on the line, left to right. */
  dashes: number[];
  /** Column where the line's content (after indentation and dashes) starts. */
  column: number;
  /** The key on the line, if it has one (`key:` or `key: value`). */
  key?: string;
  blank: boolean;
}

function shapeOf(line: string): LineShape {
  let col = 0;
  while (line[col] === ' ') col++;
  const dashes: number[] = [];
  while (line[col] === '-' && (line[col + 1] === ' ' || col + 1 === line.length)) {
    dashes.push(col);
    col += 2;
    while (line[col] === ' ') col++;
  }
  const rest = line.slice(col);
  const blank = rest.trim() === '' || rest.startsWith('#');
  const key = /^([^\s:#'"{[][^:#]*?|"[^"]*"|'[^']*'):(?:\s|$)/.exec(rest)?.[1]?.replace(/^["']|["']$/g, '');
  return { dashes, column: col, key, blank: blank && dashes.length === 0 };
}

/**
 * The path of the map whose keys sit at `column` on line `lineIndex`, read from the lines above:
 * a key less indented is the parent; a `- ` left of the column makes the map a list item.
 */
function parentPath(lines: string[], lineIndex: number, column: number, dashesOnLine: number[]): FieldPath {
  const path: FieldPath = [];
  /** Set while the path so far is a list item: the column of its `- `. */
  let seqAt = -1;
  let col = column;
  const enterItem = (dashes: number[]) => {
    // Innermost dash first: `- - a` is an item of an item.
    for (let i = dashes.length - 1; i >= 0; i--) path.unshift('[]');
    if (dashes.length) seqAt = dashes[0]!;
  };
  enterItem(dashesOnLine);
  for (let i = lineIndex - 1; i >= 0 && (col > 0 || seqAt >= 0); i--) {
    const line = lines[i]!;
    if (/^(---|\.\.\.)(\s|$)/.test(line)) break;
    const s = shapeOf(line);
    if (s.blank) continue;
    if (seqAt >= 0) {
      // Looking for the key that holds the list: at or left of the dash column.
      const lineStart = s.dashes[0] ?? s.column;
      if (lineStart > seqAt || (s.dashes[0] === seqAt && lineStart === seqAt)) continue;
      if (!s.key) break;
      path.unshift(s.key);
      col = s.column;
      seqAt = -1;
      enterItem(s.dashes);
      continue;
    }
    if (s.column >= col && !(s.dashes.length && s.dashes[s.dashes.length - 1]! < col)) continue;
    if (s.dashes.length && s.column === col) {
      // A sibling key on the line that starts this list item: the map is the item.
      enterItem(s.dashes);
      continue;
    }
    if (s.column < col && s.key) {
      path.unshift(s.key);
      col = s.column;
      enterItem(s.dashes);
      continue;
    }
    break;
  }
  return path;
}

/** What is being typed at `offset`: a field name in some map, or a field's value. */
export function completionContext(text: string, offset: number): CompletionContext {
  const doc = documentAt(text, offset);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const lines = text.slice(0, lineStart).split('\n');
  lines.pop(); // the empty piece after the last newline
  const shape = shapeOf(before);
  const valueMatch = /^(.*?):\s+(\S*)$/.exec(before.slice(shape.column));
  if (shape.key !== undefined && valueMatch) {
    const prefix = valueMatch[2]!;
    return {
      doc,
      path: [...parentPath(lines, lines.length, shape.column, shape.dashes), shape.key],
      prefix,
      from: offset - prefix.length,
      at: 'value',
      column: shape.column,
    };
  }
  const prefix = before.slice(shape.column);
  return {
    doc,
    path: parentPath(lines, lines.length, shape.column, shape.dashes),
    prefix,
    from: offset - prefix.length,
    at: 'key',
    column: shape.column,
  };
}

export interface KeyAt {
  doc: DocumentInfo;
  /** Path to the key, the key last. */
  path: FieldPath;
  from: number;
  to: number;
}

/** The map key under `offset` in a parsed document (for hover), with its path. */
export function keyAt(text: string, offset: number): KeyAt | undefined {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const found = list.find((d) => d.range[0] <= offset && offset <= d.range[2]);
  if (!found) return undefined;
  const contents = found.contents;
  const doc: DocumentInfo = {
    apiVersion: isMap(contents) ? stringValue(contents.get('apiVersion')) : undefined,
    kind: isMap(contents) ? stringValue(contents.get('kind')) : undefined,
    from: found.range[0],
    to: found.range[2],
  };
  const within = (n: unknown): n is Node => {
    const r = (n as Node | null)?.range;
    return !!r && r[0] <= offset && offset <= r[1];
  };
  const path: FieldPath = [];
  let node: unknown = contents;
  for (let depth = 0; depth < 100; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (within(p.key) || within(p.value)));
      if (!pair) return undefined;
      if (!isScalar(pair.key)) return undefined;
      path.push(String(pair.key.value));
      if (within(pair.key)) return { doc, path, from: pair.key.range![0], to: pair.key.range![1] };
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items.find(within);
      if (!item) return undefined;
      path.push('[]');
      node = item;
    } else return undefined;
  }
  return undefined;
}
