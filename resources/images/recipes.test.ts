import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    // 'spawn' fires at exec, before main() installs its handlers: wait until the kernel shows
    // SIGTERM as caught, so the signal below tests the handler rather than the default action.
    await waitUntilCatches(child.pid!, 15);
    expect(child.exitCode).toBeNull();
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

async function waitUntilCatches(pid: number, signal: number): Promise<void> {
  const bit = 1n << BigInt(signal - 1);
  for (let i = 0; i < 500; i++) {
    const caught = /SigCgt:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (caught && (BigInt(`0x${caught}`) & bit) !== 0n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`process ${pid} never installed a handler for signal ${signal}`);
}
