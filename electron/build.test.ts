// `electron-vite build` (main, the control plane's utility process, preload, renderer) works
// without an Electron binary, so CI can build the desktop app anywhere. The bundled utility
// process is then run under plain Node: the control plane comes up from the bundle, and main's
// app:// forwarding (login with the one-time link, then the session as a bearer) reaches it.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { forward, login } from './main/api-proxy.ts';

const repoRoot = resolve(import.meta.dirname, '..');

describe('electron-vite build', () => {
  beforeAll(async () => {
    await promisify(execFile)(
      process.execPath,
      [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: repoRoot, timeout: 240_000 },
    );
  }, 300_000);

  it('builds main, preload and renderer into out/; the bundled control plane serves the app', async () => {
    for (const file of [
      'out/main/index.js',
      'out/main/control-plane-process.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ])
      expect(existsSync(join(repoRoot, file)), file).toBe(true);

    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-desktop-'));
    const child = spawn(process.execPath, [join(repoRoot, 'out/main/control-plane-process.js')], {
      env: { ...process.env, FLOTILLA_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const ready = await new Promise<{ type: string; loginUrl: string; caPath: string; error?: string }>(
        (ok, fail) => {
          createInterface({ input: child.stdout! }).once('line', (l) => ok(JSON.parse(l)));
          child.once('exit', (code) => fail(new Error(`control plane process exited ${code}`)));
        },
      );
      expect(ready.type, ready.error).toBe('ready');
      const session = await login(ready.loginUrl, ready.caPath);
      const res = await forward(session, new Request('http://flotilla/api/v1/namespaces/default'));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { metadata: { name: string } }).metadata.name).toBe('default');
      // The link worked once.
      await expect(login(ready.loginUrl, ready.caPath)).rejects.toThrow(/HTTP 401/);
    } finally {
      const exited = new Promise<[number | null, string | null]>((r) =>
        child.once('exit', (code, signal) => r([code, signal])),
      );
      child.kill('SIGTERM');
      // SIGTERM is how main stops it when quitting: a clean shutdown, not a crash to restart.
      expect(await exited).toEqual([0, null]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('reports why the control plane cannot start, and exits 1 (main restarts it)', async () => {
    const bundle = join(repoRoot, 'out/main/control-plane-process.js');
    const env = { ...process.env };
    delete env['FLOTILLA_DATA_DIR'];
    const run = await promisify(execFile)(process.execPath, [bundle], { env, timeout: 60_000 }).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => err,
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout.trim())).toEqual({ type: 'failed', error: 'FLOTILLA_DATA_DIR is not set' });
  }, 120_000);
});
