// RFC 6902 JSON patch (application/json-patch+json): a list of add / remove / replace / move /
// copy / test operations on JSON pointers (RFC 6901), applied in order, all or nothing. A
// malformed patch is 400; one that does not apply to the object is 422, with messages in the
// spirit of upstream's evanphx/json-patch.
import { badRequest } from '../../status.ts';
import { deepEqual } from '../deep-equal.ts';
import { unprocessable } from '../errors.ts';
import { isJsonObject } from './json-value.ts';

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const ops = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const operations = decode(patch);
  // One deep copy up front: operations then edit freely, and a failure leaves `doc` untouched.
  let root: unknown = structuredClone(doc);
  for (const op of operations) root = applyOne(root, op);
  return root;
}

function decode(patch: unknown): Operation[] {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return patch.map((raw, i) => {
    if (!isJsonObject(raw)) throw badRequest(`invalid JSON patch operation at index ${i}: must be an object`);
    if (typeof raw.op !== 'string' || !ops.has(raw.op))
      throw unprocessable(`Unexpected kind: ${String(raw.op)}`);
    if (typeof raw.path !== 'string') throw unprocessable(`${raw.op} operation missing path`);
    if ((raw.op === 'move' || raw.op === 'copy') && typeof raw.from !== 'string') {
      throw unprocessable(`${raw.op} operation missing from`);
    }
    if ((raw.op === 'add' || raw.op === 'replace' || raw.op === 'test') && !('value' in raw)) {
      throw unprocessable(`${raw.op} operation missing value`);
    }
    return raw as unknown as Operation;
  });
}

function applyOne(root: unknown, op: Operation): unknown {
  switch (op.op) {
    case 'add':
      return add(root, op.path, structuredClone(op.value), 'add');
    case 'remove':
      remove(root, op.path, 'remove');
      return root;
    case 'replace': {
      if (op.path === '') return structuredClone(op.value);
      const { parent, token } = locate(root, op.path, 'replace');
      if (!has(parent, token)) throw missing('replace', op.path);
      set(parent, token, structuredClone(op.value));
      return root;
    }
    case 'move': {
      if (op.path.startsWith(`${op.from}/`))
        throw unprocessable(
          `move operation does not apply: cannot move ${op.from} into its child ${op.path}`,
        );
      const value = remove(root, op.from!, 'move');
      return add(root, op.path, value, 'move');
    }
    case 'copy':
      return add(root, op.path, structuredClone(get(root, op.from!, 'copy')), 'copy');
    case 'test':
      if (!deepEqual(tryGet(root, op.path), op.value))
        throw unprocessable(`testing value ${op.path} failed: test failed`);
      return root;
  }
}

function add(root: unknown, path: string, value: unknown, verb: string): unknown {
  if (path === '') return value;
  const { parent, token } = locate(root, path, verb);
  if (Array.isArray(parent)) {
    const i = token === '-' ? parent.length : arrayIndex(token, parent.length + 1, path, verb);
    parent.splice(i, 0, value);
  } else {
    parent[token] = value;
  }
  return root;
}

function remove(root: unknown, path: string, verb: string): unknown {
  if (path === '') throw unprocessable(`${verb} operation does not apply: cannot remove the whole document`);
  const { parent, token } = locate(root, path, verb);
  if (!has(parent, token)) throw missing(verb, path);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(token, parent.length, path, verb), 1)[0];
  const value = parent[token];
  delete parent[token];
  return value;
}

function get(root: unknown, path: string, verb: string): unknown {
  const value = tryGet(root, path);
  if (value === undefined)
    throw unprocessable(
      `${verb} operation does not apply: doc is missing from path: ${JSON.stringify(path)}: missing value`,
    );
  return value;
}

function tryGet(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const token of tokens(path)) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      cur = cur[Number(token)];
    } else if (isJsonObject(cur)) {
      cur = Object.hasOwn(cur, token) ? cur[token] : undefined;
    } else return undefined;
  }
  return cur;
}

/** The container holding the last token of `path`; it must exist. */
function locate(root: unknown, path: string, verb: string): { parent: any; token: string } {
  const ts = tokens(path);
  const token = ts.pop()!;
  let parent: unknown = root;
  for (const t of ts) {
    parent = Array.isArray(parent)
      ? parent[Number(t)]
      : isJsonObject(parent) && Object.hasOwn(parent, t)
        ? parent[t]
        : undefined;
    if (parent === undefined) break;
  }
  if (!Array.isArray(parent) && !isJsonObject(parent)) {
    throw unprocessable(
      `${verb} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`,
    );
  }
  return { parent, token };
}

function has(parent: any, token: string): boolean {
  if (Array.isArray(parent)) return /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < parent.length;
  return Object.hasOwn(parent, token);
}

function set(parent: any, token: string, value: unknown): void {
  parent[Array.isArray(parent) ? Number(token) : token] = value;
}

function arrayIndex(token: string, bound: number, path: string, verb: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= bound) {
    throw unprocessable(`${verb} operation does not apply: index out of bounds at ${JSON.stringify(path)}`);
  }
  return Number(token);
}

function missing(verb: string, path: string) {
  return unprocessable(
    `${verb} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`,
  );
}

/** RFC 6901: "" is the whole document; "/a~1b/~0c" is ["a/b", "~c"]. */
function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw unprocessable(`JSON pointer must be empty or start with a "/": ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}
