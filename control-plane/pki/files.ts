// Writing credentials to disk: atomically (a crash never leaves half a key or a torn JSON file)
// and with the mode set when the file is created, so a private key is never world-readable,
// not even for an instant.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
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

export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  // The umask may have narrowed the mode at creation; never widened it, but be exact.
  chmodSync(tmp, mode);
  renameSync(tmp, path);
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
