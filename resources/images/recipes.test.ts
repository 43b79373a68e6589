import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePause, pauseImage, PAUSE_IMAGE } from './recipes.ts';

const pause = compilePause();

describe.skipIf(pause === undefined)('our pause program', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-pause-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const binary = join(dir, 'pause');
  writeFileSync(binary, pause!);
  chmodSync(binary, 0o755);

  it('prints its version', async () => {
    const { code, out } = await runToEnd(spawn(binary, ['-v']));
    expect(code).toBe(0);
    expect(out).toBe('flotilla-pause 3.10\n');
  });

  it('keeps running until SIGTERM, then exits 0', async () => {
    const child = spawn(binary);
    await new Promise((resolve) => child.once('spawn', resolve));
    const ended = runToEnd(child);
    child.kill('SIGTERM');
    expect((await ended).code).toBe(0);
  });

  it('is the whole of the pause image', () => {
    const recipe = pauseImage();
    expect(recipe.name).toBe(PAUSE_IMAGE);
    expect(recipe.config.entrypoint).toEqual(['/pause']);
    expect(recipe.files.map((f) => f.path)).toEqual(['pause']);
  });
});

function runToEnd(child: ReturnType<typeof spawn>): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}
