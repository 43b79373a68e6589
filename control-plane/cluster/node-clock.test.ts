import { describe, expect, it } from 'vitest';
import { describeSkew, mayCorrectClock } from './node-clock.ts';

describe('node clock policy', () => {
  it('sets the clock only on VMs Flotilla made', () => {
    expect(mayCorrectClock('multipass')).toBe(true);
    expect(mayCorrectClock('virtualbox')).toBe(true);
    // An existing host keeps its own time sync; a netns node shares this computer's clock.
    expect(mayCorrectClock('ssh')).toBe(false);
    expect(mayCorrectClock('netns')).toBe(false);
  });

  it('says which way the clock was off and what was done', () => {
    expect(describeSkew({ skewSeconds: -3600, corrected: true })).toBe(
      "the node's clock was 3600 s behind: set it to this computer's time",
    );
    expect(describeSkew({ skewSeconds: 90, corrected: false })).toMatch(
      /^warning: the node's clock is 90 s ahead .*certificates may look invalid/,
    );
  });
});
