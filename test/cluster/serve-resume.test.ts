// `flotilla serve` (what `npm start` runs in browser mode) starts again the clusters left
// running, in the background after its ready line, and says on stderr how it went; with
// --no-resume-clusters it leaves them alone. The cluster here has a provider that cannot run,
// so its start fails quickly and stays listed with the error (the netns reboot is resume.test.ts).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeDesiredState } from '../../control-plane/cluster/desired-state.ts';
import { writeSpec } from '../../control-plane/cluster/spec.ts';
import { waitFor } from '../helpers/server.ts';
import { runCli } from './cluster-cli.ts';

const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-serve-resume-'));
  const dir = join(root, 'home', 'clusters', 'lab');
  mkdirSync(dir, { recursive: true });
  writeSpec(join(dir, 'cluster.yaml'), { name: 'lab', provider: 'no-such-provider', nodes: 1, port: 1 });
  writeFileSync(join(dir, 'nodes.json'), '[]');
  writeDesiredState(dir, 'running');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Runs serve until `until` holds for its stderr (or it exits), then stops it. */
async function serve(args: string[], until: (stderr: string) => boolean): Promise<string> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--data-dir', join(root, 'data'), '--port', '0', '--output', 'json', ...args],
    { env: { ...process.env, FLOTILLA_HOME: join(root, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const ready = await new Promise<string>((ok) =>
      createInterface({ input: child.stdout }).once('line', ok),
    );
    expect(JSON.parse(ready)).toMatchObject({ event: 'ready' });
    await waitFor(() => until(stderr), 60_000, `serve's stderr to say so; it has: ${stderr}`);
    return stderr;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

it('starts again the clusters left running, and reports a start that failed', async () => {
  const stderr = await serve([], (s) => s.includes('did not start again'));
  expect(stderr).toContain('starting again the clusters left running: lab');
  expect(stderr).toMatch(/cluster lab did not start again: .*unknown provider/);
  const listed = await runCli(['cluster', 'list', '--output', 'json'], join(root, 'home'));
  expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'lab', state: 'failed', desired: 'running' }]);
}, 120_000);

it('leaves them alone with --no-resume-clusters', async () => {
  // A resume would have listed the cluster and spawned its supervisor within a second or two of
  // the ready line: give it that long (this wait can only make the test pass wrongly, never fail).
  let readyAt: number | undefined;
  const stderr = await serve(['--no-resume-clusters'], () => Date.now() - (readyAt ??= Date.now()) > 5_000);
  expect(stderr).not.toContain('starting again');
  const listed = await runCli(['cluster', 'list', '--output', 'json'], join(root, 'home'));
  expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'lab', state: 'stopped', desired: 'running' }]);
}, 120_000);
