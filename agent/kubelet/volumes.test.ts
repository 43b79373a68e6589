import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containerMounts } from './volumes.ts';

describe('container mounts', () => {
  let root: string;
  let volume: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'volumes-test-'));
    volume = join(root, 'vol');
    mkdirSync(join(volume, '..data'), { recursive: true });
    writeFileSync(join(volume, '..data', 'color'), 'red');
    symlinkSync('..data/color', join(volume, 'color'));
    symlinkSync('/etc', join(volume, 'escape'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const mount = (vm: Record<string, unknown>, env: { key: string; value: string }[] = []) =>
    containerMounts(
      { name: 'main', volumeMounts: [{ name: 'vol', mountPath: '/m', ...vm }] },
      new Map([['vol', volume]]),
      env,
    )[0]!;

  it('mounts a key of a key-file volume by subPath, through its ..data link', () => {
    expect(mount({ subPath: 'color' }).hostPath).toBe(join(volume, '..data', 'color'));
  });

  it('creates a missing subPath directory, and expands subPathExpr from the env', () => {
    expect(mount({ subPathExpr: 'logs/$(POD)' }, [{ key: 'POD', value: 'web-1' }]).hostPath).toBe(
      join(volume, 'logs', 'web-1'),
    );
  });

  it('refuses a subPath that leaves the volume, by .. or by a symlink', () => {
    expect(() => mount({ subPath: '../other' })).toThrow(/without '\.\.'/);
    expect(() => mount({ subPath: 'escape' })).toThrow(/leaves its volume/);
  });

  it('says which volume a mount names that the pod lacks', () => {
    expect(() =>
      containerMounts({ name: 'main', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, new Map()),
    ).toThrow(/volume nope is not defined/);
  });
});
