// Checking a parsed field selector against a type and matching objects with it, the way the
// API server filters a list or watch.
import type { ResourceType } from '../resource-type.ts';
import { FieldMatcher, FieldSelectorError, parseFieldSelector, type Fields } from './parse.ts';

type Selectable = Pick<ResourceType, 'selectableFields'>;

const common: Record<string, (obj: any) => string | undefined> = {
  'metadata.name': (o) => (typeof o?.metadata?.name === 'string' ? o.metadata.name : undefined),
  'metadata.namespace': (o) =>
    typeof o?.metadata?.namespace === 'string' ? o.metadata.namespace : undefined,
};

/** Every selectable field of `obj` for its type, as strings. */
export function objectFields(rt: Selectable, obj: unknown): Fields {
  const out: Fields = {};
  for (const [k, fn] of Object.entries({ ...common, ...rt.selectableFields })) out[k] = fn(obj) ?? '';
  return out;
}

/** Throws `field label not supported: foo` (upstream's wording) for a field the type lacks. */
export function checkFieldSelector(matcher: FieldMatcher, rt: Selectable): void {
  for (const t of matcher.terms) {
    if (!(t.field in common) && !(rt.selectableFields && Object.hasOwn(rt.selectableFields, t.field)))
      throw new FieldSelectorError(`field label not supported: ${t.field}`);
  }
}

/** Parse and check in one step, as the server does for `?fieldSelector=`. */
export function compileFieldSelector(selector: string, rt: Selectable): FieldMatcher {
  const matcher = parseFieldSelector(selector);
  checkFieldSelector(matcher, rt);
  return matcher;
}

export function matchesFieldSelector(matcher: FieldMatcher, rt: Selectable, obj: unknown): boolean {
  return matcher.empty() || matcher.matches(objectFields(rt, obj));
}
