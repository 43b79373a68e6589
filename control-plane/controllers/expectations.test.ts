import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../api/client/index.ts';
import { ControllerExpectations, expectationsTimeoutMs } from './expectations.ts';

describe('ControllerExpectations', () => {
  it('holds a key until every expected create and delete is observed', () => {
    const e = new ControllerExpectations(new FakeClock(0));
    expect(e.satisfied('ns/rs')).toBe(true);
    e.expectCreations('ns/rs', 2);
    e.expectDeletions('ns/rs', ['u1']);
    expect(e.satisfied('ns/rs')).toBe(false);
    e.creationObserved('ns/rs');
    e.creationObserved('ns/rs');
    expect(e.satisfied('ns/rs')).toBe(false);
    e.deletionObserved('ns/rs', 'other');
    expect(e.satisfied('ns/rs')).toBe(false);
    e.deletionObserved('ns/rs', 'u1');
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('forgets creates that failed, and expires so a lost event can not wedge a controller', () => {
    const clock = new FakeClock(0);
    const e = new ControllerExpectations(clock);
    e.expectCreations('k', 3);
    e.lowerCreations('k', 3);
    expect(e.satisfied('k')).toBe(true);
    e.expectCreations('k', 1);
    clock.step(expectationsTimeoutMs);
    expect(e.satisfied('k')).toBe(false);
    clock.step(1);
    expect(e.satisfied('k')).toBe(true);
  });
});
