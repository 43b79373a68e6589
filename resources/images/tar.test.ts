import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tar } from './tar.ts';

describe('tar', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function extract(archive: Buffer): string {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-tar-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a.tar'), archive);
    execFileSync('tar', ['-xf', 'a.tar', '-C', dir, '--same-permissions'], { cwd: dir });
    return dir;
  }

  it('writes files, directories and symlinks that GNU tar extracts as written', () => {
    const longDir = `deep/${'d'.repeat(90)}/${'e'.repeat(60)}`;
    const dir = extract(
      tar([
        { type: 'dir', path: 'bin' },
        { type: 'file', path: 'bin/tool', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
        { type: 'symlink', path: 'bin/alias', target: '/bin/tool' },
        { type: 'dir', path: 'tmp', mode: 0o1777 },
        { type: 'dir', path: 'deep' },
        { type: 'dir', path: `deep/${'d'.repeat(90)}` },
        { type: 'dir', path: longDir },
        { type: 'file', path: `${longDir}/file.txt`, content: Buffer.alloc(1500, 'x') },
      ]),
    );
    expect(readFileSync(join(dir, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(statSync(join(dir, 'bin/tool')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dir, 'bin/alias'))).toBe('/bin/tool');
    expect(statSync(join(dir, 'tmp')).mode & 0o7777).toBe(0o1777);
    expect(readFileSync(join(dir, longDir, 'file.txt')).length).toBe(1500);
  });

  it('gives the same bytes for the same entries (layer digests are stable)', () => {
    const entries = [{ type: 'file' as const, path: 'a', content: 'x' }];
    expect(tar(entries).equals(tar(entries))).toBe(true);
  });

  it('refuses a path that ustar cannot hold', () => {
    expect(() => tar([{ type: 'file', path: 'x'.repeat(300), content: '' }])).toThrow(/too long/);
  });
});
