import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ociArchive, tagOf } from './oci-archive.ts';
import { busyboxImage } from './recipes.ts';

const hasTools = ['skopeo', 'umoci'].every((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return existsSync('/bin/busybox');
  } catch {
    return false;
  }
});

describe.skipIf(!hasTools)('OCI image archive (read by skopeo and umoci)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-oci-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const built = ociArchive(busyboxImage());
  const file = join(dir, 'busybox.tar');
  writeFileSync(file, built.archive);

  it('is an image for this platform with one layer and our config', () => {
    const info = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${file}`], { encoding: 'utf8' }));
    expect(info.Digest).toBe(built.manifestDigest);
    expect(info.Os).toBe('linux');
    expect(info.Architecture).toBe(process.arch === 'x64' ? 'amd64' : process.arch);
    expect(info.Layers).toHaveLength(1);
    expect(info.Env).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });

  it('unpacks to a root filesystem where /bin/sh is busybox', () => {
    const layout = join(dir, 'layout');
    execFileSync('tar', ['-xf', file, '-C', dir, '--one-top-level=layout']);
    execFileSync('umoci', [
      'unpack',
      '--image',
      `${layout}:${tagOf('flotilla.local/busybox:1')}`,
      join(dir, 'bundle'),
    ]);
    const rootfs = join(dir, 'bundle', 'rootfs');
    expect(readlinkSync(join(rootfs, 'bin', 'sh'))).toBe('/bin/busybox');
    expect(execFileSync(join(rootfs, 'bin', 'busybox'), ['echo', 'ok'], { encoding: 'utf8' })).toBe('ok\n');
  });

  it('is reproducible: the same recipe gives the same digests', () => {
    expect(ociArchive(busyboxImage()).manifestDigest).toBe(built.manifestDigest);
  });
});

describe('tagOf', () => {
  it('takes the tag after the last path segment, defaulting to latest', () => {
    expect(tagOf('flotilla.local/pause:3.10')).toBe('3.10');
    expect(tagOf('localhost:5000/app')).toBe('latest');
    expect(tagOf('busybox')).toBe('latest');
  });
});
