// Pods on a netns node get cgroups under flotilla/<cluster>/<node> in every hierarchy (the
// kubelet passes it as cgroup_parent). runc removes a container's own cgroup when it is
// deleted; the parents are ours to remove once no process is left in them.
import { readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Mount points of the cgroup hierarchies (v1 controllers and/or the v2 unified tree). */
export function cgroupMountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => {
      const separator = fields.indexOf('-');
      return separator > 0 && (fields[separator + 1] === 'cgroup' || fields[separator + 1] === 'cgroup2');
    })
    .map((fields) => fields[4]!);
}

/** Removes the cgroup at `relative` (e.g. /flotilla/demo) and everything under it, in each hierarchy. */
export function removeCgroupTree(relative: string): void {
  for (const mountPoint of cgroupMountPoints()) removeTree(join(mountPoint, relative));
}

/** Removes the cgroup at `relative` in each hierarchy where it has no child cgroups left. */
export function removeEmptyCgroup(relative: string): void {
  for (const mountPoint of cgroupMountPoints()) {
    try {
      rmdirSync(join(mountPoint, relative));
    } catch {
      // Still in use by another cluster, or already gone.
    }
  }
}

export function cgroupTreeExists(relative: string): boolean {
  return cgroupMountPoints().some((mountPoint) => isDir(join(mountPoint, relative)));
}

function removeTree(dir: string): void {
  if (!isDir(dir)) return;
  // In cgroupfs, only sub-directories are cgroups; the files vanish with rmdir.
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeTree(join(dir, entry.name));
  }
  try {
    rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
