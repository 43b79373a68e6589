import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { followProgressFile, ProgressLog, readProgressFile, type ProgressEvent } from './progress.ts';

describe('progress events', () => {
  const dirs: string[] = [];
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-progress-'));
    dirs.push(dir);
    return join(dir, 'events.jsonl');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('records a step as started, progress and done, with the node and elapsed time', async () => {
    const events = file();
    const log = new ProgressLog(events, 'demo');
    await log.step('SSH up', 'node-1', async (progress) => progress('waiting for sshd'));
    const read = readProgressFile(events);
    expect(read.map((e) => [e.step, e.node, e.status, e.message])).toEqual([
      ['SSH up', 'node-1', 'started', undefined],
      ['SSH up', 'node-1', 'progress', 'waiting for sshd'],
      ['SSH up', 'node-1', 'done', undefined],
    ]);
    expect(
      read.every((e) => e.cluster === 'demo' && e.elapsedMs >= 0 && !Number.isNaN(Date.parse(e.time))),
    ).toBe(true);
  });

  it('records a failure once, with its hint, and tags the error with the step', async () => {
    const events = file();
    const log = new ProgressLog(events, 'demo');
    const failing = () =>
      log.step('agent up', 'node-2', async () => {
        throw Object.assign(new Error('agent exited'), { hint: 'see agent.log' });
      });
    // An outer step sees the same error: it is reported by the innermost step only.
    const error = await log.step('cluster', undefined, failing).catch((e: Error & { step?: string }) => e);
    expect(error.step).toBe('agent up');
    const failed = readProgressFile(events).filter((e) => e.status === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({ step: 'agent up', message: 'agent exited', hint: 'see agent.log' }),
    ]);
  });

  it('follows a file from the start and as lines are appended, even in pieces', async () => {
    const events = file();
    const line = (step: string) =>
      JSON.stringify({
        time: '',
        cluster: 'demo',
        step,
        status: 'done',
        elapsedMs: 1,
      } satisfies ProgressEvent);
    appendFileSync(events, `${line('create node')}\n`);
    const seen: string[] = [];
    const stop = followProgressFile(events, (e) => seen.push(e.step), { intervalMs: 10 });
    const half = line('SSH up');
    appendFileSync(events, half.slice(0, 10));
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(events, `${half.slice(10)}\n`);
    stop(); // reads what was written before stopping
    expect(seen).toEqual(['create node', 'SSH up']);
  });
});
