import { describe, expect, it } from 'vitest';
import { formatIndexes, parseIndexes } from './job-indexes.ts';
import {
  controllerUidLabel,
  effectiveSelector,
  isJobFinished,
  matchFailurePolicy,
  type JobObj,
} from './job.ts';

const failedPod = (exitCode: number, conditions: { type: string; status: string }[] = []) =>
  ({
    metadata: { name: 'p', namespace: 'ns' },
    status: {
      phase: 'Failed',
      conditions,
      containerStatuses: [{ name: 'main', state: { terminated: { exitCode } } }],
    },
  }) as never;

describe('job helpers', () => {
  it('prints and parses completed indexes as intervals', () => {
    expect(formatIndexes([5, 0, 1, 2, 7, 8])).toBe('0-2,5,7-8');
    expect(formatIndexes([])).toBe('');
    expect([...parseIndexes('0-2,5,7-8', 8)]).toEqual([0, 1, 2, 5, 7]);
  });

  it('selects its pods by controller-uid unless given a selector', () => {
    const job = { metadata: { name: 'j', uid: 'u1' }, spec: { template: {} } } as JobObj;
    expect(effectiveSelector(job).matches({ [controllerUidLabel]: 'u1' })).toBe(true);
    expect(effectiveSelector(job).matches({ [controllerUidLabel]: 'u2' })).toBe(false);
    const manual = {
      ...job,
      spec: { ...job.spec!, manualSelector: true, selector: { matchLabels: { a: 'b' } } },
    } as JobObj;
    expect(effectiveSelector(manual).matches({ a: 'b' })).toBe(true);
  });

  it('matches podFailurePolicy rules in order, by exit code or pod condition', () => {
    const rules = [
      { action: 'Ignore' as const, onPodConditions: [{ type: 'DisruptionTarget' }] },
      { action: 'FailJob' as const, onExitCodes: { operator: 'In' as const, values: [42] } },
      { action: 'Count' as const, onExitCodes: { operator: 'NotIn' as const, values: [42] } },
    ];
    expect(matchFailurePolicy(rules, failedPod(42))).toMatchObject({
      index: 1,
      container: { name: 'main', exitCode: 42 },
    });
    expect(matchFailurePolicy(rules, failedPod(1))?.rule.action).toBe('Count');
    expect(
      matchFailurePolicy(rules, failedPod(42, [{ type: 'DisruptionTarget', status: 'True' }]))?.rule.action,
    ).toBe('Ignore');
    expect(matchFailurePolicy(undefined, failedPod(1))).toBeUndefined();
  });

  it('is finished once Complete or Failed is True', () => {
    const job = (type: string, status: string) => ({ status: { conditions: [{ type, status }] } }) as JobObj;
    expect(isJobFinished(job('Complete', 'True'))).toBe(true);
    expect(isJobFinished(job('SuccessCriteriaMet', 'True'))).toBe(false);
    expect(isJobFinished(job('Failed', 'False'))).toBe(false);
  });
});
