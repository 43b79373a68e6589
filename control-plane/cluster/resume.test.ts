// resumeClusters() with real supervisor processes and no nodes: which clusters it starts, and
// that a cluster whose start fails stays listed with the error (the netns reboot end to end is
// test/cluster/resume.test.ts).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDesiredState, writeDesiredState, type DesiredState } from './desired-state.ts';
import { listClusters, stopCluster, type ClusterSummary } from './lifecycle.ts';
import { clustersToResume, resumeClusters } from './resume.ts';
import { writeSpec } from './spec.ts';

let home: string;
const savedHome = process.env['FLOTILLA_HOME'];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'flotilla-resume-'));
  process.env['FLOTILLA_HOME'] = home;
});
afterEach(() => {
  if (savedHome === undefined) delete process.env['FLOTILLA_HOME'];
  else process.env['FLOTILLA_HOME'] = savedHome;
  rmSync(home, { recursive: true, force: true });
});

/** A cluster folder as create leaves it, for a provider that cannot start anything here. */
function cluster(name: string, desired?: DesiredState): string {
  const dir = join(home, 'clusters', name);
  mkdirSync(dir, { recursive: true });
  writeSpec(join(dir, 'cluster.yaml'), { name, provider: 'no-such-provider', nodes: 1, port: 1 });
  writeFileSync(join(dir, 'nodes.json'), '[]');
  writeFileSync(join(dir, 'events.jsonl'), '');
  if (desired) writeDesiredState(dir, desired);
  return dir;
}

describe('resumeClusters', () => {
  it('starts only clusters left running; one that fails stays listed, failed, with the error', async () => {
    const dir = cluster('left-running', 'running');
    cluster('stopped-by-user', 'stopped');
    // Made before intents were recorded: never started behind the user's back.
    cluster('from-before');

    const resuming = await resumeClusters();
    expect(resuming.names).toEqual(['left-running']);
    expect((await listClusters()).find((c) => c.name === 'left-running')?.state).toBe('starting');
    const [result] = await resuming.done;
    expect(result).toMatchObject({ name: 'left-running', ok: false });
    expect(result!.error).toMatch(/unknown provider "no-such-provider"/);

    const listed = await listClusters();
    expect(listed.map((c) => [c.name, c.state, c.desired])).toEqual([
      ['from-before', 'stopped', 'stopped'],
      ['left-running', 'failed', 'running'],
      ['stopped-by-user', 'stopped', 'stopped'],
    ]);
    expect(listed.find((c) => c.name === 'left-running')?.error).toMatch(/unknown provider/);
    // Nothing was deleted: the next start (or app start) tries again.
    expect(existsSync(join(dir, 'cluster.yaml'))).toBe(true);
    expect(clustersToResume(listed).map((c) => c.name)).toEqual(['left-running']);
  }, 120_000);

  it('stop records the intent even when nothing runs, so it is not resumed', async () => {
    const dir = cluster('demo', 'running');
    await stopCluster('demo');
    expect(readDesiredState(dir)).toBe('stopped');
    expect((await resumeClusters()).names).toEqual([]);
  });

  it('leaves running and starting clusters alone', () => {
    const summary = (name: string, state: ClusterSummary['state']): ClusterSummary => ({
      name,
      provider: 'netns',
      state,
      desired: 'running',
      nodes: [],
      kubeconfig: '',
      dir: '',
    });
    expect(
      clustersToResume([
        summary('a', 'running'),
        summary('b', 'starting'),
        summary('c', 'stopped'),
        summary('d', 'failed'),
      ]).map((c) => c.name),
    ).toEqual(['c', 'd']);
  });
});
