// A list/watch request's label and field selectors compiled once into a predicate (upstream's
// storage.SelectionPredicate). Parse errors become 400 with the parser's message.
import type { ResourceType } from '../../../api/resource-type.ts';
import { compileFieldSelector, matchesFieldSelector, type FieldMatcher } from '../../../api/fields/index.ts';
import { parseLabelSelector, type LabelMatcher } from '../../../api/labels/index.ts';
import { badRequest } from '../status.ts';
import type { KubeObject } from './types.ts';

export interface Selection {
  /** Selects everything: no need to look at objects (or at an update's previous state). */
  readonly empty: boolean;
  matches(obj: KubeObject): boolean;
  /** metadata.name pinned by the field selector: a single-key read instead of a scan. */
  readonly name?: string;
  /** metadata.namespace pinned by the field selector: narrows an all-namespaces scan. */
  readonly namespace?: string;
}

const everything: Selection = { empty: true, matches: () => true };

export function compileSelection(
  rt: Pick<ResourceType, 'selectableFields'>,
  opts: { labelSelector?: string; fieldSelector?: string },
): Selection {
  let labels: LabelMatcher | undefined;
  let fields: FieldMatcher | undefined;
  try {
    if (opts.labelSelector) labels = parseLabelSelector(opts.labelSelector);
    if (opts.fieldSelector) fields = compileFieldSelector(opts.fieldSelector, rt);
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err));
  }
  if (labels?.empty()) labels = undefined;
  if (fields?.empty()) fields = undefined;
  if (!labels && !fields) return everything;
  return {
    empty: false,
    matches: (obj) =>
      (!labels || labels.matches(obj.metadata?.labels)) && (!fields || matchesFieldSelector(fields, rt, obj)),
    name: fields?.requiresExactMatch('metadata.name'),
    namespace: fields?.requiresExactMatch('metadata.namespace'),
  };
}
