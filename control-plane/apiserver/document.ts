// Parsing one JSON or YAML document from a request body with the caps that keep a hostile body
// from hurting the server: a nesting depth limit (deeply nested input would overflow the stack
// of every recursive walker after the parser) and a YAML alias limit (billion laughs).
import { parse as parseYaml } from 'yaml';
import { badRequest } from './status.ts';

export const maxNestingDepth = 1000;
export const maxYamlAliases = 100;

export function parseJsonDocument(body: Buffer): unknown {
  const depth = jsonNestingDepth(body);
  if (depth > maxNestingDepth)
    throw badRequest(`invalid JSON in request body: exceeded max depth of ${maxNestingDepth}`);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`invalid JSON in request body: ${(err as Error).message}`);
  }
}

export function parseYamlDocument(body: Buffer): unknown {
  let doc: unknown;
  try {
    doc = parseYaml(body.toString('utf8'), { maxAliasCount: maxYamlAliases, prettyErrors: false });
  } catch (err) {
    const message = err instanceof RangeError ? 'document is nested too deeply' : (err as Error).message;
    throw badRequest(`invalid YAML in request body: ${message}`);
  }
  if (valueDepthExceeds(doc, maxNestingDepth))
    throw badRequest(`invalid YAML in request body: exceeded max depth of ${maxNestingDepth}`);
  return doc;
}

/** Deepest `{`/`[` nesting outside strings, found in one pass over the bytes. */
function jsonNestingDepth(buf: Buffer): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** True when a parsed value nests deeper than `limit` (iterative, so it cannot overflow itself). */
function valueDepthExceeds(root: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return false;
}
