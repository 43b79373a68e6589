// Writes a volume's files the way upstream's AtomicWriter does (pkg/volume/util/atomic_writer.go),
// so a container that has the directory mounted sees a whole new set or the old one, never a mix:
//
//   <dir>/..2026_11_23_11_50_00.123/<files>   one timestamped directory per version
//   <dir>/..data -> ..2026_11_23_11_50_00.123 swapped with one rename(2)
//   <dir>/<top-level path> -> ..data/<path>   what users see, stable across versions
//
// The mounted directory itself never changes: only the entries inside it, which is why an
// update reaches containers that already run (a renamed-over directory would not).
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

/** Relative path (no leading '/', no '..' elements) to contents. */
export type Payload = Map<string, FileProjection>;

const DATA_LINK = '..data';

/** Writes the payload into dir; returns false when it was already exactly that. */
export function writeAtomically(dir: string, payload: Payload): boolean {
  for (const path of payload.keys()) checkPath(path);
  mkdirSync(dir, { recursive: true });
  const current = currentVersionDir(dir);
  if (current && samePayload(join(dir, current), payload)) {
    linkVisiblePaths(dir, payload);
    return false;
  }
  const version = `..${timestamp()}`;
  const versionDir = join(dir, version);
  mkdirSync(versionDir, { recursive: true });
  for (const [path, file] of payload) {
    const target = join(versionDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.data, { mode: file.mode });
    chmodSync(target, file.mode); // writeFileSync's mode is masked by the umask
  }
  chmodSync(versionDir, 0o755);
  const tmpLink = join(dir, `${DATA_LINK}_tmp`);
  rmSync(tmpLink, { force: true });
  symlinkSync(version, tmpLink);
  renameSync(tmpLink, join(dir, DATA_LINK));
  linkVisiblePaths(dir, payload);
  if (current) rmSync(join(dir, current), { recursive: true, force: true });
  return true;
}

/** The timestamped directory ..data points at, if any. */
function currentVersionDir(dir: string): string | undefined {
  try {
    const target = readlinkSync(join(dir, DATA_LINK));
    return existsSync(join(dir, target)) ? target : undefined;
  } catch {
    return undefined;
  }
}

/** Top-level entries link into ..data; entries no longer in the payload go. */
function linkVisiblePaths(dir: string, payload: Payload): void {
  const wanted = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const name of wanted) {
    const link = join(dir, name);
    const target = join(DATA_LINK, name);
    let existing: string | undefined;
    try {
      existing = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : '';
    } catch {
      existing = undefined;
    }
    if (existing === target) continue;
    if (existing !== undefined) rmSync(link, { recursive: true, force: true });
    symlinkSync(target, link);
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..') || wanted.has(name)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function samePayload(versionDir: string, payload: Payload): boolean {
  const onDisk = listFiles(versionDir);
  if (onDisk.length !== payload.size) return false;
  for (const path of onDisk) {
    const want = payload.get(path);
    if (!want) return false;
    const file = join(versionDir, path);
    if ((statSync(file).mode & 0o7777) !== want.mode) return false;
    if (!readFileSync(file).equals(want.data)) return false;
  }
  return true;
}

function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

/** Upstream's validatePath: relative, no '..' element, and not starting with '..'. */
function checkPath(path: string): void {
  if (path === '' || path.startsWith('/') || path.startsWith('..') || path.split('/').includes('..'))
    throw new Error(`invalid volume file path "${path}"`);
}

let lastStamp = '';
function timestamp(): string {
  let stamp = new Date().toISOString().replace(/[-:]/g, '_').replace('T', '_').replace('Z', '');
  // Two writes within a millisecond still get distinct directories.
  if (stamp <= lastStamp) stamp = `${lastStamp}0`;
  lastStamp = stamp;
  return stamp;
}
