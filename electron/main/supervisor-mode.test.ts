// Supervisor mode: which argv makes the app a cluster supervisor, and how it then behaves.
// Electron's binary cannot run on our build machines, so `app` is a stand-in recording what
// is asked of it (StandInApp); the supervisor itself is the real one from control-plane/cluster.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runSupervisor } from '../../control-plane/cluster/supervisor.ts';
import { ensureAgentBundle } from '../../control-plane/provision/install/agent-bundle.ts';
import {
  appExecutable,
  appExecutableFromEnv,
  APP_EXECUTABLE_ENV,
  launcherFor,
  packagedAgentBundle,
  runSupervisorMode,
  supervisorRequest,
  type SupervisorApp,
} from './supervisor-mode.ts';

describe('supervisorRequest', () => {
  it('is the desktop app without the flag', () => {
    expect(supervisorRequest(['/opt/Flotilla/flotilla'])).toBeUndefined();
    expect(supervisorRequest(['/usr/bin/electron', '/src/out/main/index.js'])).toBeUndefined();
  });

  it('reads the cluster and the mode, after a development entry file too', () => {
    expect(supervisorRequest(['/opt/Flotilla/flotilla', '--flotilla-supervisor', 'demo'])).toEqual({
      name: 'demo',
      mode: 'start',
    });
    expect(
      supervisorRequest([
        '/usr/bin/electron',
        '/src/out/main/index.js',
        '--flotilla-supervisor',
        'demo',
        '--create',
      ]),
    ).toEqual({ name: 'demo', mode: 'create' });
    expect(supervisorRequest(['flotilla', '--flotilla-supervisor=web'])).toEqual({
      name: 'web',
      mode: 'start',
    });
  });

  it('refuses the flag without a cluster name', () => {
    expect(() => supervisorRequest(['flotilla', '--flotilla-supervisor'])).toThrow(/needs a cluster name/);
    expect(() => supervisorRequest(['flotilla', '--flotilla-supervisor', '--create'])).toThrow(
      /needs a cluster name/,
    );
  });
});

describe('the app executable that runs supervisors', () => {
  it('is the packaged executable alone, or a development Electron with its entry; headless on Linux', () => {
    expect(
      appExecutable('/Applications/Flotilla.app/x', false, ['/Applications/Flotilla.app/x'], 'darwin'),
    ).toEqual({
      command: '/Applications/Flotilla.app/x',
      appArgs: [],
    });
    const dev = appExecutable('/e/electron', true, ['/e/electron', 'out/main/index.js'], 'win32');
    expect(dev).toEqual({ command: '/e/electron', appArgs: [resolve('out/main/index.js')] });
    expect(launcherFor(dev).args('demo', 'create')).toEqual([
      resolve('out/main/index.js'),
      '--flotilla-supervisor',
      'demo',
      '--create',
    ]);
    const linux = appExecutable('/opt/Flotilla/flotilla', false, ['/opt/Flotilla/flotilla'], 'linux');
    const args = launcherFor(linux).args('demo', 'start');
    expect(args).toEqual(['--ozone-platform=headless', '--disable-gpu', '--flotilla-supervisor', 'demo']);
    // What the spawned executable then reads from its argv.
    expect(supervisorRequest([linux.command, ...args])).toEqual({ name: 'demo', mode: 'start' });
  });

  it('reaches the utility process through its environment', () => {
    const executable = appExecutable('/opt/Flotilla/flotilla', false, [], 'linux');
    expect(appExecutableFromEnv({ [APP_EXECUTABLE_ENV]: JSON.stringify(executable) })).toEqual(executable);
    expect(appExecutableFromEnv({})).toBeUndefined();
    expect(() => appExecutableFromEnv({ [APP_EXECUTABLE_ENV]: '{"command":1}' })).toThrow(/not \{command/);
  });
});

/** What supervisor mode asked of Electron's `app`. */
class StandInApp implements SupervisorApp {
  readonly calls: string[] = [];
  readonly listeners = new Map<string, (event: { preventDefault(): void }) => void>();
  exitCode?: number;
  readonly dock = { hide: () => void this.calls.push('dock.hide') };
  disableHardwareAcceleration(): void {
    this.calls.push('disableHardwareAcceleration');
  }
  setPath(name: string, path: string): void {
    this.calls.push(`setPath ${name} ${path}`);
  }
  on(event: string, listener: (event: { preventDefault(): void }) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  exit(code: number): void {
    this.exitCode = code;
  }
}

describe('runSupervisorMode', () => {
  const savedHome = process.env['FLOTILLA_HOME'];
  const savedBundle = process.env['FLOTILLA_AGENT_BUNDLE'];
  let home: string | undefined;
  afterEach(() => {
    if (savedHome === undefined) delete process.env['FLOTILLA_HOME'];
    else process.env['FLOTILLA_HOME'] = savedHome;
    if (savedBundle === undefined) delete process.env['FLOTILLA_AGENT_BUNDLE'];
    else process.env['FLOTILLA_AGENT_BUNDLE'] = savedBundle;
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('runs headless and exits with the supervisor: a missing cluster exits 1 and says why', async () => {
    home = mkdtempSync(join(tmpdir(), 'flotilla-supervisor-mode-'));
    process.env['FLOTILLA_HOME'] = home;
    const app = new StandInApp();
    const said: string[] = [];
    const code = await runSupervisorMode(
      app,
      { name: 'nowhere', mode: 'start' },
      {
        runSupervisor,
        agentBundle: packagedAgentBundle('/opt/Flotilla/resources'),
        log: (m) => said.push(m),
      },
    );
    expect(code).toBe(1);
    expect(app.exitCode).toBe(1);
    expect(said.join('\n')).toMatch(/the supervisor of nowhere cannot run/);
    expect(app.calls).toEqual([
      'disableHardwareAcceleration',
      'dock.hide',
      `setPath sessionData ${join(tmpdir(), 'flotilla-supervisor-nowhere')}`,
    ]);
    // Never quits for want of windows: it has none.
    expect([...app.listeners.keys()].sort()).toEqual(['before-quit', 'window-all-closed']);
    // The installer finds the packaged agent bundle through the environment.
    expect(process.env['FLOTILLA_AGENT_BUNDLE']).toBe(join('/opt/Flotilla/resources', 'agent', 'agent.mjs'));
  });

  it('hands the installer the packaged agent bundle as is, and names it when it is missing', async () => {
    home = mkdtempSync(join(tmpdir(), 'flotilla-supervisor-mode-'));
    const resources = join(home, 'resources');
    process.env['FLOTILLA_AGENT_BUNDLE'] = packagedAgentBundle(resources);
    await expect(ensureAgentBundle()).rejects.toThrow(/agent bundle .*resources\/agent\/agent.mjs .*missing/);
    mkdirSync(join(resources, 'agent'), { recursive: true });
    writeFileSync(packagedAgentBundle(resources), '// the agent');
    expect(await ensureAgentBundle()).toBe(join(resources, 'agent', 'agent.mjs'));
  });

  it("turns Electron's own quit into the supervisor's graceful stop, then exits with its code", async () => {
    const app = new StandInApp();
    let stopRequested!: () => void;
    const stopped = new Promise<void>((r) => (stopRequested = r));
    const onSigterm = () => stopRequested();
    process.on('SIGTERM', onSigterm);
    try {
      const running = runSupervisorMode(
        app,
        { name: 'demo', mode: 'start' },
        // A supervisor that runs until SIGTERM, as runSupervisor does, then exits 0.
        { runSupervisor: () => stopped.then(() => 0) },
      );
      let prevented = false;
      app.listeners.get('before-quit')!({ preventDefault: () => (prevented = true) });
      expect(prevented).toBe(true);
      expect(await running).toBe(0);
      expect(app.exitCode).toBe(0);
      // Once it is over, a quit goes ahead.
      prevented = false;
      app.listeners.get('before-quit')!({ preventDefault: () => (prevented = true) });
      expect(prevented).toBe(false);
    } finally {
      process.off('SIGTERM', onSigterm);
    }
  });
});

describe('the package (electron-builder.yml)', () => {
  const config = parse(readFileSync(resolve(import.meta.dirname, '../../electron-builder.yml'), 'utf8')) as {
    electronFuses: Record<string, boolean>;
    extraResources: { from: string; to: string }[];
    npmRebuild: boolean;
  };

  it('ships the agent bundle where supervisor mode looks for it, with runAsNode off', () => {
    const resources = '/r';
    const shipped = config.extraResources.map((r) => join(resources, r.to));
    expect(shipped).toContain(packagedAgentBundle(resources));
    expect(config.extraResources.find((r) => r.to === 'agent/agent.mjs')?.from).toBe('dist/agent/agent.mjs');
    // Why supervisors need supervisor mode at all.
    expect(config.electronFuses['runAsNode']).toBe(false);
    expect(config.npmRebuild).toBe(true);
  });
});
