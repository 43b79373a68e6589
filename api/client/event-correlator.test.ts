import { describe, expect, it } from 'vitest';
import { FakeClock } from './index.ts';
import { combinedMessagePrefix, EventCorrelator, type EventFacts } from './event-correlator.ts';

const facts = (message: string, reason = 'FailedCreate', name = 'web'): EventFacts => ({
  source: { component: 'replicaset-controller' },
  involvedObject: { kind: 'ReplicaSet', namespace: 'default', name, uid: `uid-${name}` },
  type: 'Warning',
  reason,
  message,
});

describe('EventCorrelator', () => {
  it('creates the first event and patches exact repeats of it', () => {
    const c = new EventCorrelator({ clock: new FakeClock() });
    const first = c.correlate(facts('quota exceeded'));
    expect(first).toMatchObject({ action: 'create', message: 'quota exceeded' });
    if (first.action !== 'create') throw new Error('unreachable');
    c.remember(first.key, { name: 'web.1', namespace: 'default', count: 1, firstTimestamp: 't0' });
    const again = c.correlate(facts('quota exceeded'));
    expect(again).toMatchObject({ action: 'patch', previous: { name: 'web.1', count: 1 } });
    // A different object or reason is a different event.
    expect(c.correlate(facts('quota exceeded', 'FailedCreate', 'api')).action).toBe('create');
    expect(c.correlate(facts('quota exceeded', 'Other')).action).toBe('create');
  });

  it('combines more than 10 similar events into one whose message says so', () => {
    const c = new EventCorrelator({ clock: new FakeClock() });
    for (let i = 1; i <= 10; i++)
      expect(c.correlate(facts(`message ${i}`))).toMatchObject({ action: 'create' });
    const eleventh = c.correlate(facts('message 11'));
    expect(eleventh).toMatchObject({ action: 'create', message: `${combinedMessagePrefix}message 11` });
    if (eleventh.action !== 'create') throw new Error('unreachable');
    c.remember(eleventh.key, { name: 'web.agg', namespace: 'default', count: 1, firstTimestamp: 't' });
    expect(c.correlate(facts('message 12'))).toMatchObject({
      action: 'patch',
      message: `${combinedMessagePrefix}message 12`,
      previous: { name: 'web.agg' },
    });
  });

  it('forgets similar messages after the aggregation interval', () => {
    const clock = new FakeClock();
    const c = new EventCorrelator({ clock });
    for (let i = 1; i <= 10; i++) c.correlate(facts(`message ${i}`));
    clock.step(11 * 60_000);
    expect(c.correlate(facts('message 11'))).toMatchObject({ action: 'create', message: 'message 11' });
  });

  it('drops events about one object beyond a burst of 25 until tokens refill', () => {
    const clock = new FakeClock();
    const c = new EventCorrelator({ clock });
    const actions = Array.from({ length: 30 }, (_, i) => c.correlate(facts(`m${i % 3}`)).action);
    expect(actions.filter((a) => a === 'drop')).toHaveLength(5);
    // Other objects are not throttled by this one's spam.
    expect(c.correlate(facts('m', 'FailedCreate', 'other')).action).toBe('create');
    clock.step(300_000);
    expect(c.correlate(facts('m0')).action).not.toBe('drop');
  });

  it('starts over with a create after forget (the stored Event was deleted)', () => {
    const c = new EventCorrelator({ clock: new FakeClock() });
    const first = c.correlate(facts('x'));
    if (first.action !== 'create') throw new Error('unreachable');
    c.remember(first.key, { name: 'a', namespace: 'default', count: 3, firstTimestamp: 't' });
    c.forget(first.key);
    expect(c.correlate(facts('x')).action).toBe('create');
  });
});
