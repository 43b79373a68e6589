import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streamContainerLog, type StreamLogOptions } from './container-log.ts';

const base: StreamLogOptions = { follow: false, previous: false, timestamps: false };

describe('streaming a CRI log file', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'container-log-'));
    file = join(dir, '0.log');
    writeFileSync(
      file,
      [
        '2026-01-01T00:00:01.000000001Z stdout F one',
        '2026-01-01T00:00:02.000000002Z stderr F two',
        '2026-01-01T00:00:03.000000003Z stdout P thr',
        '2026-01-01T00:00:03.000000004Z stdout F ee',
        '',
      ].join('\n'),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function read(opts: Partial<StreamLogOptions>): Promise<string> {
    const chunks: Buffer[] = [];
    await streamContainerLog(file, { write: (c) => chunks.push(c) }, { ...base, ...opts });
    return Buffer.concat(chunks).toString();
  }

  it('joins partial entries, in order, both streams', async () => {
    expect(await read({})).toBe('one\ntwo\nthree\n');
  });

  it('takes the tail, filters by time and stops at limitBytes', async () => {
    expect(await read({ tailLines: 2 })).toBe('three\n');
    expect(await read({ tailLines: 0 })).toBe('');
    expect(await read({ sinceMs: Date.parse('2026-01-01T00:00:02Z') })).toBe('two\nthree\n');
    expect(await read({ limitBytes: 5 })).toBe('one\nt');
  });

  it('prefixes each line with its time, once per partial line', async () => {
    expect(await read({ timestamps: true })).toBe(
      '2026-01-01T00:00:01.000000001Z one\n2026-01-01T00:00:02.000000002Z two\n2026-01-01T00:00:03.000000003Z three\n',
    );
  });

  it('follows appended entries until the container has exited', async () => {
    let running = true;
    const chunks: string[] = [];
    const done = streamContainerLog(
      file,
      { write: (c) => chunks.push(c.toString()) },
      { ...base, follow: true, pollMs: 20, isRunning: async () => running },
    );
    await waitUntil(() => chunks.join('') === 'one\ntwo\nthree\n');
    appendFileSync(file, '2026-01-01T00:00:04Z stdout F four\n');
    await waitUntil(() => chunks.join('').endsWith('four\n'));
    appendFileSync(file, '2026-01-01T00:00:05Z stdout F five\n');
    running = false;
    await done;
    expect(chunks.join('')).toBe('one\ntwo\nthree\nfour\nfive\n');
  });

  it('stops following when the client goes', async () => {
    const abort = new AbortController();
    const done = streamContainerLog(
      file,
      { write: () => {} },
      { ...base, follow: true, pollMs: 20, isRunning: async () => true, signal: abort.signal },
    );
    abort.abort();
    await done;
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}
