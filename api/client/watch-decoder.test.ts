import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchDecoder } from './watch-decoder.ts';

const events = [
  { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' } } },
  {
    type: 'MODIFIED',
    object: { metadata: { name: 'ünïcødé-✓', resourceVersion: '2' }, data: { k: 'x'.repeat(5000) } },
  },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '3' } } },
  { type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '4' } } },
];
const wire = new TextEncoder().encode(events.map((e) => JSON.stringify(e)).join('\n') + '\n');

describe('WatchDecoder', () => {
  it('decodes the same events however the bytes are split into chunks', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: wire.length - 1 }), { maxLength: 40 }), (cuts) => {
        const d = new WatchDecoder();
        const out = [];
        let prev = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          out.push(...d.push(wire.subarray(prev, c)));
          prev = c;
        }
        out.push(...d.push(wire.subarray(prev)), ...d.end());
        expect(out).toEqual(events);
      }),
    );
  });

  it('accepts a last event without a trailing newline, and skips blank lines', () => {
    const d = new WatchDecoder();
    expect(d.push('\n\n{"type":"ADDED","object":{}}\n\n{"type":"DELETED"')).toHaveLength(1);
    expect(d.push(',"object":{}}')).toEqual([]);
    expect(d.end()).toEqual([{ type: 'DELETED', object: {} }]);
  });

  it('rejects a line that is not a watch event', () => {
    expect(() => new WatchDecoder().push('{"type":\n')).toThrow(/malformed event/);
    expect(() => new WatchDecoder().push('[1,2]\n')).toThrow(/not a watch event/);
  });
});
