import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive, processCommandLine } from './process-liveness.ts';

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

describe('process liveness', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`tells a live process from one that exited (${platform} way)`, async () => {
      if (platform === 'linux' && process.platform !== 'linux') return;
      expect(processAlive(process.pid, platform)).toBe(true);
      expect(processAlive(await exitedPid(), platform)).toBe(false);
    });
  }

  it('knows the command line only where /proc tells it', () => {
    if (process.platform === 'linux') expect(processCommandLine(process.pid, 'linux')).toContain('\0');
    expect(processCommandLine(process.pid, 'darwin')).toBeNull();
  });
});
