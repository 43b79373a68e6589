// A create that fails part-way says which step failed and why, and removes everything it had
// made: here the API port is taken, so the control plane cannot start after the node exists.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsSkipReason } from '../helpers/netns.ts';
import { jsonLines, removeStaleTestHomes, testHome, type TestHome } from './cluster-cli.ts';
import { waitForNoTraces } from './host-traces.ts';

const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

describe.skipIf(netnsSkipReason() !== undefined)('flotilla cluster create failing', () => {
  let t: TestHome;
  let blocker: Server;
  let port: number;

  beforeAll(async () => {
    await removeStaleTestHomes();
    t = testHome();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  }, 300_000);

  afterAll(async () => {
    blocker?.close();
    await t?.cleanup();
  }, 300_000);

  it('names the failed step, exits 1, and leaves nothing behind', async () => {
    const res = await t.flotilla([
      'cluster',
      'create',
      t.cluster,
      '--nodes',
      '1',
      '--port',
      String(port),
      '--output',
      'json',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `flotilla cluster create: control plane: port ${port} on 127.0.0.1 is already in use`,
    );
    const events = jsonLines(res.stdout);
    expect(events.find((e) => e.step === 'create node' && e.status === 'done')).toBeDefined();
    expect(events.find((e) => e.status === 'failed')).toMatchObject({ step: 'control plane' });
    expect(events.at(-1)).toMatchObject({ step: 'control plane' });
    // The cluster's folder is gone, but its control plane's log is kept and named.
    const log = join(t.home, 'logs', `${t.cluster}-create.log`);
    expect(res.stderr).toContain(`the control plane's log: ${log}`);
    expect(readFileSync(log, 'utf8')).toContain('already in use');
    expect(await waitForNoTraces(t.cluster, t.clusterDir)).toEqual([]);
    expect((await t.flotilla(['cluster', 'list'])).stdout).not.toContain(t.cluster);
  }, 300_000);

  it('Ctrl-C during create cancels it and removes what was made', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'cluster', 'create', t.cluster, '--nodes', '2', '--output', 'json'],
      { env: { ...process.env, FLOTILLA_HOME: t.home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        // The first node exists: interrupt while the cluster is half made.
        if (jsonLines(stdout).some((e) => e.step === 'create node' && e.status === 'done')) resolve();
      });
      child.on('close', () => resolve());
    });
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr).toContain('cancelled');
    expect(await waitForNoTraces(t.cluster, t.clusterDir)).toEqual([]);
  }, 300_000);
});
