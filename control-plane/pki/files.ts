// Writing credentials to disk: atomically (a crash never leaves half a key or a torn JSON file)
// and with the mode set when the file is created, so a private key is never world-readable,
// not even for an instant.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const PRIVATE_MODE = 0o600;
export const PUBLIC_MODE = 0o644;
export const PRIVATE_DIR_MODE = 0o700;

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Writes `path` whole: readers see the old content or the new, never a part. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const tmp = writeTemp(path, data, mode);
  renameSync(tmp, path);
}

/**
 * Creates `path` whole, unless it already exists (then returns false and leaves it alone). The
 * content is complete before the name appears, so this is safe against a concurrent creator.
 */
export function createFileExclusive(path: string, data: string | Uint8Array, mode: number): boolean {
  const tmp = writeTemp(path, data, mode);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function writeTemp(path: string, data: string | Uint8Array, mode: number): string {
  // A directory we create for credentials is private too; an existing one is left as it is.
  ensurePrivateDir(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
    // The umask may have narrowed the mode at creation; never widened it, but be exact.
    chmodSync(tmp, mode);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    closeSync(fd);
  }
  return tmp;
}

export function writePrivateFile(path: string, data: string | Uint8Array): void {
  writeFileAtomic(path, data, PRIVATE_MODE);
}

export function writePublicFile(path: string, data: string | Uint8Array): void {
  writeFileAtomic(path, data, PUBLIC_MODE);
}

export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
