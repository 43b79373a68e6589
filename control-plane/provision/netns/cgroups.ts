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

/**
 * Removes the cgroup at `relative` (e.g. /flotilla/demo) and everything under it, in each
 * hierarchy. Processes killed a moment ago may still be leaving: each removal is retried for
 * about 2.5 s while the kernel says the cgroup is busy (runc's RemovePath retries the same way).
 */
export async function removeCgroupTree(relative: string): Promise<void> {
  for (const mountPoint of cgroupMountPoints()) await removeTree(join(mountPoint, relative));
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

/** The longest wait between two tries of a busy cgroup; the waits double from 10 ms up to it. */
const LAST_RETRY_MS = 1_280;

async function removeTree(dir: string): Promise<void> {
  if (!isDir(dir)) return;
  // In cgroupfs, only sub-directories are cgroups; the files vanish with rmdir.
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeTree(join(dir, entry.name));
  }
  for (let wait = 10; ; wait *= 2) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || wait > LAST_RETRY_MS) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
