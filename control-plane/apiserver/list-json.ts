// A LIST answer's JSON spliced from its items' cached encodings (registry/decoded-cache.ts):
// `{"apiVersion":...,"kind":...,"metadata":{...},"items":[` + items + `]}`. Stringifying 5,000
// pods again for every page was most of a LIST's time before its first byte (issue #8); the
// items are shared, never-mutated objects, so their JSON can be made once per revision.
// The result is byte-for-byte `JSON.stringify(list)` (list-json.test.ts holds it to that).
import { encodedJson } from './registry/decoded-cache.ts';
import type { KubeObject } from './registry/types.ts';

export function listJson(list: KubeObject): string {
  const { items, ...head } = list;
  const keys = Object.keys(list);
  // Splicing needs `items` last, as every list here has it; anything else is stringified whole.
  if (!Array.isArray(items) || keys[keys.length - 1] !== 'items') return JSON.stringify(list);
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    // JSON.stringify writes null for what has no JSON inside an array (undefined, functions).
    parts[i] =
      typeof item === 'object' && item !== null
        ? encodedJson(item as KubeObject)
        : (JSON.stringify(item) ?? 'null');
  }
  const open = JSON.stringify(head).slice(0, -1);
  return `${open}${open === '{' ? '' : ','}"items":[${parts.join(',')}]}`;
}
