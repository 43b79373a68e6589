// Recipes for the images Flotilla needs without a registry: the sandbox (pause) image every
// node must have, and the small busybox-based images the tests run. All are built from files
// already on this machine (Debian's busybox-static, gcc), so they work offline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageRecipe } from './oci-archive.ts';
import type { TarEntry } from './tar.ts';

export const PAUSE_IMAGE = 'flotilla.local/pause:3.10';
export const BUSYBOX_IMAGE = 'flotilla.local/busybox:1';
export const HTTPD_IMAGE = 'flotilla.local/httpd:1';

export const DEFAULT_BUSYBOX = '/bin/busybox';
export const PAUSE_SOURCE = new URL('./pause.c', import.meta.url);

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A minimal root filesystem: a static busybox with every applet linked where busybox says it lives. */
export function busyboxRootfs(busybox = DEFAULT_BUSYBOX): TarEntry[] {
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((path) => path !== '' && path !== 'bin/busybox');
  const dirs = [
    'bin',
    'sbin',
    'usr',
    'usr/bin',
    'usr/sbin',
    'etc',
    'root',
    'var',
    'var/www',
    'proc',
    'sys',
    'dev',
  ];
  return [
    ...dirs.map((path): TarEntry => ({ type: 'dir', path })),
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'file', path: 'bin/busybox', content: readFileSync(busybox), mode: 0o755 },
    ...applets.map((path): TarEntry => ({ type: 'symlink', path, target: '/bin/busybox' })),
    {
      type: 'file',
      path: 'etc/passwd',
      content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
    },
    { type: 'file', path: 'etc/group', content: 'root:x:0:\nnogroup:x:65534:\n' },
  ];
}

/** `flotilla.local/busybox:1`: a shell and the usual tools; runs `sh` by default. */
export function busyboxImage(busybox = DEFAULT_BUSYBOX): ImageRecipe {
  return { name: BUSYBOX_IMAGE, config: { env: [PATH_ENV], cmd: ['sh'] }, files: busyboxRootfs(busybox) };
}

const SERVE_HOSTNAME = `#!/bin/sh
# Serves a page naming this container's hostname (the pod name) on $PORT, default 80.
set -e
echo "hello from $(hostname)" > /var/www/index.html
exec httpd -f -v -p "\${PORT:-80}" -h /var/www
`;

/** `flotilla.local/httpd:1`: busybox httpd answering `hello from <hostname>` on port 80. */
export function httpdImage(busybox = DEFAULT_BUSYBOX): ImageRecipe {
  return {
    name: HTTPD_IMAGE,
    config: { env: [PATH_ENV], entrypoint: ['/usr/local/bin/serve-hostname'], exposedPorts: ['80/tcp'] },
    files: [
      ...busyboxRootfs(busybox),
      { type: 'dir', path: 'usr/local' },
      { type: 'dir', path: 'usr/local/bin' },
      { type: 'file', path: 'usr/local/bin/serve-hostname', content: SERVE_HOSTNAME, mode: 0o755 },
    ],
  };
}

/**
 * `flotilla.local/pause:3.10`: our own pause program (pause.c) compiled static with gcc.
 * Without gcc (or a static libc) we fall back to busybox sh as PID 1: it also reaps zombies
 * and exits on TERM, at the cost of a 2 MB image instead of ~0.7 MB.
 */
export function pauseImage(busybox = DEFAULT_BUSYBOX): ImageRecipe {
  const pause = compilePause();
  if (pause) {
    return {
      name: PAUSE_IMAGE,
      config: { entrypoint: ['/pause'] },
      files: [{ type: 'file', path: 'pause', content: pause, mode: 0o755 }],
    };
  }
  return {
    name: PAUSE_IMAGE,
    config: {
      env: [PATH_ENV],
      entrypoint: [
        '/bin/busybox',
        'sh',
        '-c',
        'trap "exit 0" INT TERM; while :; do sleep 3600 & wait $!; done',
      ],
    },
    files: [
      { type: 'dir', path: 'bin' },
      { type: 'file', path: 'bin/busybox', content: readFileSync(busybox), mode: 0o755 },
    ],
  };
}

/** The static pause binary, or undefined when this machine cannot compile it. */
export function compilePause(): Buffer | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-pause-'));
  try {
    const out = join(dir, 'pause');
    execFileSync('gcc', ['-static', '-Os', '-s', '-o', out, PAUSE_SOURCE.pathname], { stdio: 'pipe' });
    return readFileSync(out);
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
