// `electron-vite build` (main, the control plane's utility process, preload, renderer) works
// without an Electron binary, so CI can build the desktop app anywhere.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');

describe('electron-vite build', () => {
  it('builds main, preload and renderer into out/', async () => {
    await promisify(execFile)(
      process.execPath,
      [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: repoRoot, timeout: 240_000 },
    );
    for (const file of [
      'out/main/index.js',
      'out/main/control-plane-process.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ])
      expect(existsSync(join(repoRoot, file)), file).toBe(true);
  }, 300_000);
});
