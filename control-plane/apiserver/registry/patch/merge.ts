// RFC 7386 JSON merge patch (application/merge-patch+json): objects merge key by key, null
// deletes, anything else (arrays included) replaces.
import { badRequest } from '../../status.ts';
import { isJsonObject } from './json-value.ts';

export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  // Upstream's jsonpatch.MergePatch refuses a document patch that is not an object.
  if (!isJsonObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeValue(doc, patch);
}

export function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const out: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergeValue(out[k], v);
  }
  return out;
}
