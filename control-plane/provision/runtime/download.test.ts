// The runtime download against a real HTTP "registry" on loopback serving a package tarball made
// here: verified and cached once, refused when the checksum differs, a clear error when offline.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeRuntime, RuntimeDownloadError } from './download.ts';
import { nodeArchFromUname, type RuntimePin } from './pinned.ts';

describe('nodeArchFromUname', () => {
  it('maps the machines we ship for and names the one we do not', () => {
    expect(nodeArchFromUname('x86_64\n')).toBe('x64');
    expect(nodeArchFromUname('aarch64')).toBe('arm64');
    expect(() => nodeArchFromUname('riscv64')).toThrow(/riscv64.*x86_64, aarch64/);
  });
});

describe('ensureNodeRuntime', () => {
  let dir: string;
  let server: Server;
  let registry: string;
  let tarball: Buffer;
  let requests = 0;
  let pin: RuntimePin;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flt-runtime-'));
    const bin = join(dir, 'src', 'package', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho v20-test\n');
    chmodSync(join(bin, 'node'), 0o755);
    writeFileSync(join(dir, 'src', 'package', 'package.json'), '{}');
    execFileSync('tar', ['-czf', join(dir, 'pkg.tgz'), '-C', join(dir, 'src'), 'package']);
    tarball = readFileSync(join(dir, 'pkg.tgz'));
    pin = {
      name: 'node-linux-test',
      version: '20.0.0',
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
    };
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/node-linux-test/-/node-linux-test-20.0.0.tgz') res.end(tarball);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads, verifies and caches bin/node, then answers from the cache', async () => {
    const cacheDir = join(dir, 'cache-1');
    const progress: string[] = [];
    const runtime = await ensureNodeRuntime('x64', {
      pin,
      registry,
      cacheDir,
      progress: (m) => progress.push(m),
    });
    expect(runtime.id).toBe('node-linux-test@20.0.0');
    expect(execFileSync(runtime.path, { encoding: 'utf8' })).toBe('v20-test\n');
    expect(progress.join('\n')).toContain('downloading the node runtime node-linux-test@20.0.0');
    const before = requests;
    expect((await ensureNodeRuntime('x64', { pin, registry, cacheDir })).path).toBe(runtime.path);
    expect(requests).toBe(before);
  });

  it('downloads once for nodes installed in parallel', async () => {
    const cacheDir = join(dir, 'cache-parallel');
    const before = requests;
    const [a, b] = await Promise.all([
      ensureNodeRuntime('x64', { pin, registry, cacheDir }),
      ensureNodeRuntime('arm64', { pin, registry, cacheDir }),
    ]);
    expect(a.path).toBe(b.path);
    expect(requests - before).toBe(1);
  });

  it('refuses a tarball whose checksum is not the pinned one, and caches nothing', async () => {
    const cacheDir = join(dir, 'cache-2');
    const wrong = { ...pin, integrity: `sha512-${createHash('sha512').update('other').digest('base64')}` };
    const error = await ensureNodeRuntime('x64', { pin: wrong, registry, cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeDownloadError);
    expect((error as Error).message).toMatch(/does not match its pinned checksum/);
    expect(() => readFileSync(join(cacheDir, 'node-linux-test-20.0.0', 'node'))).toThrow();
  });

  it('says what to do when the registry cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await ensureNodeRuntime('x64', {
      pin,
      registry: `http://127.0.0.1:${port}/`,
      cacheDir: join(dir, 'cache-3'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeDownloadError);
    expect((error as Error).message).toMatch(/could not download the Node runtime .*ECONNREFUSED/);
    expect((error as RuntimeDownloadError).hint).toMatch(/internet/);
  });

  it('says so when the registry does not have the package', async () => {
    const error = await ensureNodeRuntime('x64', {
      pin: { ...pin, name: 'node-linux-none' },
      registry,
      cacheDir: join(dir, 'cache-4'),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/HTTP 404/);
  });
});
