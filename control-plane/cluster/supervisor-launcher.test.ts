// The command that starts a cluster's supervisor: the CLI's by default, the desktop app's own
// executable once configured. A real process stands in for the app (node running a small
// script that records its argv and behaves as a supervisor does: pid file, a `cluster done`
// event, exit on SIGTERM), since Electron's binary cannot run on our build machines.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listClusters, startCluster, stopCluster, supervisorPid } from './lifecycle.ts';
import {
  appSupervisorLauncher,
  isSupervisorCommandLine,
  setSupervisorLauncher,
  supervisorLauncher,
} from './supervisor-launcher.ts';
import { writeSpec } from './spec.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
let home: string;
const savedHome = process.env['FLOTILLA_HOME'];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'flotilla-launcher-'));
  process.env['FLOTILLA_HOME'] = home;
});
afterEach(() => {
  setSupervisorLauncher(undefined);
  if (savedHome === undefined) delete process.env['FLOTILLA_HOME'];
  else process.env['FLOTILLA_HOME'] = savedHome;
  rmSync(home, { recursive: true, force: true });
});

/** The app's executable in supervisor mode, as far as lifecycle.ts can tell. */
const fakeApp = `
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const flag = process.argv.indexOf('--flotilla-supervisor');
const name = process.argv[flag + 1];
const dir = join(process.env.FLOTILLA_HOME, 'clusters', name);
writeFileSync(join(dir, 'argv.json'), JSON.stringify({
  argv: process.argv.slice(2),
  runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null,
}));
writeFileSync(join(dir, 'supervisor.pid'), process.pid + '\\n');
const event = { time: new Date().toISOString(), cluster: name, step: 'cluster', status: 'done', elapsedMs: 1 };
appendFileSync(join(dir, 'events.jsonl'), JSON.stringify(event) + '\\n');
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`;

function stoppedCluster(name: string): string {
  const dir = join(home, 'clusters', name);
  mkdirSync(dir, { recursive: true });
  writeSpec(join(dir, 'cluster.yaml'), { name, provider: 'netns', nodes: 1, port: 1 });
  writeFileSync(join(dir, 'nodes.json'), '[]');
  return dir;
}

describe('supervisor launcher', () => {
  it('by default runs the CLI with this Node, as `cluster run NAME [--create]`', () => {
    const launcher = supervisorLauncher();
    const cli = join(repoRoot, 'cli', 'bin.mjs');
    expect(existsSync(cli)).toBe(true);
    expect(launcher.command).toBe(process.execPath);
    expect(launcher.args('demo', 'start')).toEqual([cli, 'cluster', 'run', 'demo']);
    expect(launcher.args('demo', 'create')).toEqual([cli, 'cluster', 'run', 'demo', '--create']);
    expect(launcher.env?.['ELECTRON_RUN_AS_NODE']).toBe('1');
  });

  it('starts the configured command; the cluster runs under it and stops with SIGTERM', async () => {
    const dir = stoppedCluster('desk');
    const script = join(home, 'fake-app.mjs');
    writeFileSync(script, fakeApp);
    // As a development Electron is started: the executable, then the app's entry.
    setSupervisorLauncher(appSupervisorLauncher(process.execPath, [script]));
    process.env['ELECTRON_RUN_AS_NODE'] = '1';
    try {
      const summary = await startCluster('desk');
      expect(summary.state).toBe('running');
    } finally {
      delete process.env['ELECTRON_RUN_AS_NODE'];
    }
    const recorded = JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8')) as Record<string, unknown>;
    // ELECTRON_RUN_AS_NODE would make Electron plain Node, deaf to --flotilla-supervisor.
    expect(recorded).toEqual({ argv: ['--flotilla-supervisor', 'desk'], runAsNode: null });
    // Recognised as the cluster's supervisor although its command line has no `cluster run`.
    const pid = supervisorPid('desk');
    expect(pid).toBeGreaterThan(0);
    expect((await listClusters()).find((c) => c.name === 'desk')?.state).toBe('running');
    await stopCluster('desk');
    expect(supervisorPid('desk')).toBeUndefined();
  }, 60_000);
});

describe('isSupervisorCommandLine', () => {
  it("knows both launchers' command lines, and no one else's", () => {
    const cli = ['/usr/bin/node', '/app/cli/bin.mjs', 'cluster', 'run', 'demo', ''].join('\0');
    const app = ['/opt/Flotilla/flotilla', '--flotilla-supervisor', 'demo', '--create', ''].join('\0');
    expect(isSupervisorCommandLine(cli, 'demo')).toBe(true);
    expect(isSupervisorCommandLine(app, 'demo')).toBe(true);
    // Chromium on Linux rewrites its process title as one space-separated line.
    expect(isSupervisorCommandLine('/opt/Flotilla/flotilla --flotilla-supervisor demo', 'demo')).toBe(true);
    expect(isSupervisorCommandLine(app, 'dem')).toBe(false);
    expect(isSupervisorCommandLine(cli, 'other')).toBe(false);
    // A pid reused by something else that mentions the name.
    expect(isSupervisorCommandLine(['vim', 'demo', 'cluster.yaml', ''].join('\0'), 'demo')).toBe(false);
    expect(isSupervisorCommandLine(['kubectl', 'get', 'cluster', 'demo'].join('\0'), 'demo')).toBe(false);
  });
});
