// The app API's cluster list with the real cluster library: a cluster being resumed after a
// restart is listed as starting, and one whose start failed as failed with the error (the
// renderer shows these instead of a bare "stopped").
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeDesiredState } from '../cluster/desired-state.ts';
import { resumeClusters } from '../cluster/resume.ts';
import { writeSpec } from '../cluster/spec.ts';
import { createAppApi, loadClusterLibrary } from './index.ts';

let home: string;
let server: Server | undefined;
const savedHome = process.env['FLOTILLA_HOME'];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'flotilla-app-states-'));
  process.env['FLOTILLA_HOME'] = home;
});
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (savedHome === undefined) delete process.env['FLOTILLA_HOME'];
  else process.env['FLOTILLA_HOME'] = savedHome;
  rmSync(home, { recursive: true, force: true });
});

it('lists a resuming cluster as starting, then failed with the reason', async () => {
  const dir = join(home, 'clusters', 'lab');
  mkdirSync(dir, { recursive: true });
  // Its provider cannot run here: the resumed start fails, as a real one may.
  writeSpec(join(dir, 'cluster.yaml'), { name: 'lab', provider: 'no-such-provider', nodes: 1, port: 1 });
  writeFileSync(join(dir, 'nodes.json'), '[]');
  writeDesiredState(dir, 'running');
  const mount = createAppApi({ clusters: loadClusterLibrary });
  server = createServer((req, res) => void mount.handle(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const list = async () =>
    (
      (await (
        await fetch(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/app/v1/clusters`)
      ).json()) as {
        items: { name: string; state: string; desired: string; error?: string }[];
      }
    ).items;

  expect(await list()).toMatchObject([{ name: 'lab', state: 'stopped', desired: 'running' }]);
  const resuming = await resumeClusters();
  expect(await list()).toMatchObject([{ name: 'lab', state: 'starting' }]);
  await resuming.done;
  const [lab] = await list();
  expect(lab).toMatchObject({ name: 'lab', state: 'failed', desired: 'running' });
  expect(lab!.error).toMatch(/unknown provider/);
}, 120_000);
