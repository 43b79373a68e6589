import { describe, expect, it } from 'vitest';
import { logTimeMillis, parseCriLogLine } from './cri-log.ts';

describe('CRI log lines', () => {
  it('parses full and partial entries', () => {
    expect(parseCriLogLine(Buffer.from('2026-01-02T03:04:05.123456789Z stdout F hello world'))).toEqual({
      time: '2026-01-02T03:04:05.123456789Z',
      stream: 'stdout',
      partial: false,
      content: Buffer.from('hello world\n'),
    });
    const partial = parseCriLogLine(Buffer.from('2026-01-02T03:04:05Z stderr P part'));
    expect(partial).toMatchObject({ stream: 'stderr', partial: true, content: Buffer.from('part') });
  });

  it('keeps an empty line and rejects what is not a log entry', () => {
    expect(parseCriLogLine(Buffer.from('2026-01-02T03:04:05Z stdout F '))?.content).toEqual(
      Buffer.from('\n'),
    );
    expect(parseCriLogLine(Buffer.from('garbage'))).toBeUndefined();
    expect(parseCriLogLine(Buffer.from('2026-01-02T03:04:05Z other F x'))).toBeUndefined();
  });

  it('reads nanosecond times to the millisecond', () => {
    expect(logTimeMillis('2026-01-02T03:04:05.123456789Z')).toBe(Date.parse('2026-01-02T03:04:05.123Z'));
  });
});
