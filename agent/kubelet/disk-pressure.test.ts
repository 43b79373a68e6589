import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDiskPressure, diskPressureReasons, readDisk, type DiskReading } from './disk-pressure.ts';

const GiB = 1024 ** 3;
const reading = (over: Partial<DiskReading>): DiskReading => ({
  path: '/var/lib/flotilla/agent',
  kind: 'nodefs',
  availableBytes: 50 * GiB,
  totalBytes: 100 * GiB,
  freeInodes: 900,
  totalInodes: 1000,
  ...over,
});

describe('diskPressureReasons (upstream hard eviction defaults)', () => {
  it.each([
    ['plenty of room', reading({}), []],
    ['nodefs below 10%', reading({ availableBytes: 9 * GiB }), [/nodefs .*available \(threshold 10%\)/]],
    ['nodefs at 12% is fine', reading({ availableBytes: 12 * GiB }), []],
    [
      'imagefs below 15%',
      reading({ kind: 'imagefs', path: '/var/lib/containerd', availableBytes: 12 * GiB }),
      [/imagefs \/var\/lib\/containerd/],
    ],
    ['inodes below 5%', reading({ freeInodes: 40 }), [/40 of 1000 inodes free/]],
    ['no inode limit reported', reading({ freeInodes: 0, totalInodes: 0 }), []],
  ])('%s', (_name, r, expected) => {
    const reasons = diskPressureReasons([r]);
    expect(reasons).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(reasons[i]).toMatch(pattern));
  });
});

describe('readDisk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flt-disk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the real file system of a path', async () => {
    const r = await readDisk(dir, 'nodefs');
    expect(r.totalBytes).toBeGreaterThan(0);
    expect(r.availableBytes).toBeLessThanOrEqual(r.totalBytes);
  });

  it('leaves out paths that do not exist instead of failing', async () => {
    expect(await checkDiskPressure([{ path: join(dir, 'missing'), kind: 'nodefs' }])).toEqual({
      pressure: false,
      reasons: [],
    });
  });
});
