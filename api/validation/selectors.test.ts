// Label selectors take In/NotIn/Exists/DoesNotExist; node selectors add Gt/Lt with one value.
import { describe, expect, it } from 'vitest';
import { formatFieldError } from './format.ts';
import { root } from './path.ts';
import { validateLabelSelectorRequirement, validateNodeSelectorRequirement } from './selectors.ts';

const label = (r: unknown) =>
  validateLabelSelectorRequirement(r, root('spec', 'selector')).map(formatFieldError);
const node = (r: unknown) =>
  validateNodeSelectorRequirement(r, root('spec', 'affinity')).map(formatFieldError);

describe('selector requirements', () => {
  it('accepts the operators each kind of selector knows', () => {
    expect(label({ key: 'app', operator: 'In', values: ['web'] })).toEqual([]);
    expect(label({ key: 'app', operator: 'Exists' })).toEqual([]);
    expect(node({ key: 'cpu-count', operator: 'Gt', values: ['4'] })).toEqual([]);
  });

  it('refuses Gt and Lt in a label selector, naming the operator', () => {
    expect(label({ key: 'cpu-count', operator: 'Gt', values: ['4'] })).toEqual([
      'spec.selector.operator: Invalid value: "Gt": not a valid selector operator',
    ]);
  });

  it('wants exactly one value for Gt and Lt', () => {
    expect(node({ key: 'cpu-count', operator: 'Lt', values: ['4', '8'] })).toEqual([
      "spec.affinity.values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
    ]);
  });

  it('wants values for In and none for Exists', () => {
    expect(node({ key: 'zone', operator: 'In', values: [] })).toEqual([
      "spec.affinity.values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
    expect(label({ key: 'zone', operator: 'Exists', values: ['a'] })).toEqual([
      "spec.selector.values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ]);
  });
});
