// DiskPressure (upstream eviction manager's signals, hard thresholds only): the file system of
// the agent's data dir (nodefs: volumes, logs) and containerd's root (imagefs: images, layers),
// read with statfs. A full disk is then a condition and an event on the Node, not a silent
// stream of failed writes.
import { statfs } from 'node:fs/promises';
import type { CriClient } from './cri/index.ts';

/** Upstream's default hard eviction thresholds (pkg/kubelet/eviction/defaults_linux.go). */
export const DISK_THRESHOLDS = {
  nodefsAvailable: 0.1,
  imagefsAvailable: 0.15,
  inodesFree: 0.05,
};

export interface DiskReading {
  path: string;
  /** nodefs or imagefs: which threshold applies. */
  kind: 'nodefs' | 'imagefs';
  availableBytes: number;
  totalBytes: number;
  freeInodes: number;
  totalInodes: number;
}

export async function readDisk(path: string, kind: DiskReading['kind']): Promise<DiskReading> {
  const s = await statfs(path);
  return {
    path,
    kind,
    availableBytes: s.bavail * s.bsize,
    totalBytes: s.blocks * s.bsize,
    freeInodes: s.ffree,
    totalInodes: s.files,
  };
}

/** The reasons the node is under disk pressure; empty when it is not. */
export function diskPressureReasons(readings: DiskReading[]): string[] {
  const reasons: string[] = [];
  for (const r of readings) {
    const limit = r.kind === 'nodefs' ? DISK_THRESHOLDS.nodefsAvailable : DISK_THRESHOLDS.imagefsAvailable;
    if (r.totalBytes > 0 && r.availableBytes / r.totalBytes < limit)
      reasons.push(
        `${r.kind} ${r.path}: ${Math.floor(r.availableBytes / 1024)}Ki of ${Math.floor(r.totalBytes / 1024)}Ki available (threshold ${limit * 100}%)`,
      );
    // Some file systems (btrfs, tmpfs with nr_inodes=0) report no inode limit.
    if (r.totalInodes > 0 && r.freeInodes / r.totalInodes < DISK_THRESHOLDS.inodesFree)
      reasons.push(`${r.kind} ${r.path}: ${r.freeInodes} of ${r.totalInodes} inodes free`);
  }
  return reasons;
}

/** containerd's root dir, from the CRI plugin's verbose status; its default otherwise. */
export async function containerdRoot(cri: CriClient): Promise<string> {
  try {
    const info = (await cri.status(true)).info ?? {};
    const config = JSON.parse(info['config'] ?? '{}') as { containerdRootDir?: string };
    if (config.containerdRootDir) return config.containerdRootDir;
  } catch {
    // an older runtime or no verbose info
  }
  return '/var/lib/containerd';
}

/** Reads every path that exists; a path that cannot be read is left out, not fatal. */
export async function checkDiskPressure(
  paths: { path: string; kind: DiskReading['kind'] }[],
): Promise<{ pressure: boolean; reasons: string[] }> {
  const readings = await Promise.all(paths.map((p) => readDisk(p.path, p.kind).catch(() => undefined)));
  const reasons = diskPressureReasons(readings.filter((r): r is DiskReading => r !== undefined));
  return { pressure: reasons.length > 0, reasons };
}
