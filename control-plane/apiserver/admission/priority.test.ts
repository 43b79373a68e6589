// PriorityClasses and the Priority admission plugin through the real registry (memory backend).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendCases, ctx, openHarness, type Harness } from '../registry/testing/harness.ts';
import { StatusError } from '../status.ts';
import { admissionPlugins } from './index.ts';

let h: Harness;
beforeEach(async () => {
  h = await openHarness(backendCases[0]!, { admission: admissionPlugins() });
});
afterEach(async () => {
  await h.close();
});

const classes = () => h.r('scheduling.k8s.io/v1/priorityclasses');
const priorityClass = (name: string, value: number, extra: Record<string, unknown> = {}) =>
  classes().create(ctx(), '', {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    ...extra,
  });
const createPod = (name: string, spec: Record<string, unknown> = {}) =>
  h.r('/v1/pods').create(ctx(), 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  });
const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(StatusError);
  return (err as StatusError).status;
};

describe('Priority admission', () => {
  it('resolves priorityClassName to spec.priority and the class preemption policy', async () => {
    await priorityClass('high', 1000, { preemptionPolicy: 'Never' });
    const pod = await createPod('a', { priorityClassName: 'high' });
    expect(pod.spec).toMatchObject({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
  });

  it('gives pods without a class priority 0, or the global default class', async () => {
    expect((await createPod('a')).spec).toMatchObject({
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    await priorityClass('everyone', 7, { globalDefault: true });
    expect((await createPod('b')).spec).toMatchObject({ priorityClassName: 'everyone', priority: 7 });
  });

  it('knows the built-in system classes', async () => {
    expect((await createPod('a', { priorityClassName: 'system-node-critical' })).spec.priority).toBe(
      2000001000,
    );
  });

  it('refuses a class that does not exist, and a priority that disagrees with the class', async () => {
    expect((await refusal(createPod('a', { priorityClassName: 'ghost' }))).message).toBe(
      'pods "a" is forbidden: no PriorityClass with name ghost was found',
    );
    expect((await refusal(createPod('b', { priority: 5 }))).message).toBe(
      'pods "b" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    );
  });

  it('allows only one global default', async () => {
    await priorityClass('one', 1, { globalDefault: true });
    expect((await refusal(priorityClass('two', 2, { globalDefault: true }))).message).toBe(
      'priorityclasses.scheduling.k8s.io "two" is forbidden: PriorityClass one is already marked as default. Only one default can exist',
    );
  });
});

describe('PriorityClass validation', () => {
  it('caps user-defined values and reserves the system- prefix', async () => {
    const tooHigh = await refusal(priorityClass('huge', 2_000_000_000));
    expect(tooHigh.code).toBe(422);
    expect(tooHigh.message).toContain('maximum allowed value of a user defined priority is 1000000000');
    expect((await refusal(priorityClass('system-mine', 1))).message).toContain(
      "priority class names with 'system-' prefix are reserved",
    );
  });

  it('keeps the value immutable', async () => {
    const pc = await priorityClass('fixed', 10);
    const err = await refusal(classes().update(ctx(), '', 'fixed', { ...pc, value: 11 }));
    expect(err.message).toContain('value: Forbidden: may not be changed in an update.');
  });
});
