// metav1.LabelSelector (matchLabels + matchExpressions) as a matcher, like upstream's
// LabelSelectorAsSelector: a missing selector matches nothing, an empty one matches everything.
import type { LabelSelector } from '../types/meta.ts';
import { LabelSelectorError, newRequirement, type Operator, type Requirement } from './requirement.ts';
import { LabelMatcher } from './selector.ts';
import { entries, isObject, items } from '../validation/shape.ts';

const operators: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** Throws LabelSelectorError for an invalid operator, key or value. */
export function labelSelectorAsMatcher(selector: LabelSelector | null | undefined): LabelMatcher {
  if (selector === null || selector === undefined) return LabelMatcher.nothing();
  if (!isObject(selector)) throw new LabelSelectorError('label selector must be an object');
  const matchLabels = entries(selector.matchLabels);
  const matchExpressions = items(selector.matchExpressions);
  if (matchLabels.length + matchExpressions.length === 0) return LabelMatcher.everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of matchLabels) reqs.push(newRequirement(k, '=', [String(v)]));
  for (const expr of matchExpressions) {
    const op = isObject(expr) ? operators[expr.operator as string] : undefined;
    if (!op)
      throw new LabelSelectorError(
        `${JSON.stringify(isObject(expr) ? (expr.operator ?? '') : '')} is not a valid label selector operator`,
      );
    reqs.push(newRequirement(String(expr.key ?? ''), op, items(expr.values).map(String)));
  }
  return LabelMatcher.of(reqs);
}

/** A matcher, or undefined when the selector is invalid (for callers that only filter). */
export function tryLabelSelectorAsMatcher(
  selector: LabelSelector | null | undefined,
): LabelMatcher | undefined {
  try {
    return labelSelectorAsMatcher(selector);
  } catch {
    return undefined;
  }
}

/** The string form (`app=web,tier in (a,b)`), as kubectl and ?labelSelector= use it. */
export function labelSelectorToString(selector: LabelSelector | null | undefined): string {
  return labelSelectorAsMatcher(selector).toString();
}
