// Patch types by content type; one module each. Server-side apply ('apply') arrives with issue #4.
import type { PatchType } from '../types.ts';
import { applyJsonPatch } from './json.ts';
import { applyMergePatch } from './merge.ts';
import { applyStrategicMergePatch } from './strategic.ts';

/** Applies a decoded patch document to a decoded object; never mutates either. */
export type Patcher = (doc: unknown, patch: unknown) => unknown;

export const patchers: Partial<Record<PatchType, Patcher>> = {
  json: applyJsonPatch,
  merge: applyMergePatch,
  strategic: applyStrategicMergePatch,
};
