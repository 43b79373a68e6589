// Removing a node's cgroups while the processes just killed in them are still leaving.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cgroupMountPoints, cgroupTreeExists, removeCgroupTree } from './cgroups.ts';
import { netnsSupport } from './support.ts';

describe.skipIf(!netnsSupport().ok)('removeCgroupTree', () => {
  it('waits for a process still in the cgroup to leave, then removes the tree', async () => {
    const relative = `/flotilla-test-${process.pid}/node-1`;
    const [mountPoint] = cgroupMountPoints();
    const leaf = join(mountPoint!, relative);
    mkdirSync(leaf, { recursive: true });
    const child = spawn('sleep', ['0.4'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    onTestFinished(async () => {
      await exited; // whatever happened, leave no test cgroup behind
      for (const dir of [leaf, join(leaf, '..')]) if (existsSync(dir)) rmdirSync(dir);
    });
    writeFileSync(join(leaf, 'cgroup.procs'), String(child.pid));
    // Busy for about 0.4 s: rmdir alone fails with EBUSY now.
    await removeCgroupTree(`/flotilla-test-${process.pid}`);
    await exited;
    expect(cgroupTreeExists(`/flotilla-test-${process.pid}`)).toBe(false);
    expect(existsSync(leaf)).toBe(false);
  });
});
