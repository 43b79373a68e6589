// Server-side field validation (fieldValidation=Strict|Warn|Ignore on create, update and patch):
// fields the type's OpenAPI schema does not declare are always pruned before the object is
// stored; Strict refuses the request (400, upstream's `strict decoding error: unknown field
// "spec.foo"`), Warn (the default, as upstream) answers with one warning per field, Ignore says
// nothing. Driven by the definitions generated from api/types.
import { definitions } from '../../../api/openapi/schemas.gen.ts';
import { pruneUnknownFields } from '../../../api/openapi/prune.ts';
import { definitionName } from '../openapi/schemas.ts';
import { badRequest } from '../status.ts';
import type { StoreContext } from './context.ts';
import type { KubeObject, RequestContext } from './types.ts';

/**
 * Prune `obj` in place and act on what was unknown. `patched` says the fields came from a patch
 * applied to the stored object, which upstream reports without naming the kind.
 */
export function checkUnknownFields(
  s: StoreContext,
  ctx: RequestContext,
  obj: KubeObject,
  patched = false,
): void {
  const unknown = pruneUnknownFields(
    definitions,
    definitionName(s.type.group, s.type.version, s.type.kind),
    obj,
  );
  if (unknown.length === 0 || ctx.fieldValidation === 'Ignore') return;
  const messages = unknown.map((field) => `unknown field "${field}"`);
  if (ctx.fieldValidation === 'Strict') {
    const strict = `strict decoding error: ${messages.join(', ')}`;
    throw badRequest(
      patched
        ? strict
        : `${s.type.kind} in version "${s.type.version}" cannot be handled as a ${s.type.kind}: ${strict}`,
    );
  }
  // A patch retried on a conflict is checked again: warn once.
  for (const m of messages) if (!ctx.warnings.includes(m)) ctx.warnings.push(m);
}
