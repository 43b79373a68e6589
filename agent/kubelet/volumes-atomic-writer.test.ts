import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomically, type Payload } from './volumes-atomic-writer.ts';

const payload = (files: Record<string, string>, mode = 0o644): Payload =>
  new Map(Object.entries(files).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

describe('writeAtomically', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'atomic-writer-')), 'vol');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('shows the files through ..data links, like upstream', () => {
    expect(writeAtomically(dir, payload({ greeting: 'hello', 'nested/file': 'x' }))).toBe(true);
    expect(readFileSync(join(dir, 'greeting'), 'utf8')).toBe('hello');
    expect(readFileSync(join(dir, 'nested/file'), 'utf8')).toBe('x');
    expect(readlinkSync(join(dir, 'greeting'))).toBe('..data/greeting');
    expect(readlinkSync(join(dir, '..data'))).toMatch(/^\.\.\d{4}_/);
  });

  it('swaps a new version in place of the old one and removes keys that went away', () => {
    writeAtomically(dir, payload({ a: '1', b: '2' }));
    const first = readlinkSync(join(dir, '..data'));
    expect(writeAtomically(dir, payload({ a: 'one' }))).toBe(true);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('one');
    expect(readdirSync(dir).sort()).toEqual(['..data', readlinkSync(join(dir, '..data')), 'a'].sort());
    expect(readdirSync(dir)).not.toContain(first);
  });

  it('leaves an unchanged payload alone', () => {
    writeAtomically(dir, payload({ a: '1' }));
    const version = readlinkSync(join(dir, '..data'));
    expect(writeAtomically(dir, payload({ a: '1' }))).toBe(false);
    expect(readlinkSync(join(dir, '..data'))).toBe(version);
  });

  it('applies file modes and rewrites when only a mode changes', () => {
    writeAtomically(dir, payload({ key: 'v' }, 0o400));
    expect(statSync(join(dir, 'key')).mode & 0o777).toBe(0o400);
    expect(writeAtomically(dir, payload({ key: 'v' }, 0o644))).toBe(true);
    expect(statSync(join(dir, 'key')).mode & 0o777).toBe(0o644);
  });

  it('refuses paths that would leave the volume', () => {
    expect(() => writeAtomically(dir, payload({ '../escape': 'x' }))).toThrow(/invalid volume file path/);
    expect(() => writeAtomically(dir, payload({ '/abs': 'x' }))).toThrow(/invalid volume file path/);
  });
});
