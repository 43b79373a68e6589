import { describe, expect, it } from 'vitest';
import { fitErrorMessage } from './fit-error.ts';
import { unresolvable, unschedulable, type Status } from './status.ts';

const statuses = (entries: [string, Status][]) => new Map(entries);

describe('fitErrorMessage', () => {
  it('counts reasons over nodes and sorts them as upstream does', () => {
    const m = statuses([
      ['a', unschedulable('Insufficient cpu', 'Insufficient memory')],
      ['b', unschedulable('Insufficient memory')],
      ['c', unresolvable("node(s) didn't match Pod's node affinity/selector")],
    ]);
    expect(fitErrorMessage(3, m)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory.",
    );
  });

  it('a preFilter rejection replaces the histogram; the postFilter sentence follows', () => {
    expect(
      fitErrorMessage(2, statuses([]), {
        preFilterMsg: 'pod has unbound immediate PersistentVolumeClaims',
        postFilterMsg: 'preemption: not eligible due to preemptionPolicy=Never.',
      }),
    ).toBe(
      '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});
