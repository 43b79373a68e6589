// `electron-vite build` (main, the control plane's utility process, preload, renderer) works
// without an Electron binary, so CI can build the desktop app anywhere. The bundled utility
// process is then run under plain Node: the control plane comes up from the bundle, and main's
// app:// forwarding (login with the one-time link, then the session as a bearer) reaches it.
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCluster,
  deleteCluster,
  listNodes,
  stopCluster,
  supervisorPid,
} from '../control-plane/cluster/lifecycle.ts';
import {
  appSupervisorLauncher,
  setSupervisorLauncher,
} from '../control-plane/cluster/supervisor-launcher.ts';
import { ensureAgentBundle } from '../control-plane/provision/install/agent-bundle.ts';
import { netnsSkipReason, testClusterName } from '../test/helpers/netns.ts';
import { forward, login } from './main/api-proxy.ts';

const repoRoot = resolve(import.meta.dirname, '..');

describe('electron-vite build', () => {
  beforeAll(async () => {
    await promisify(execFile)(
      process.execPath,
      [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: repoRoot, timeout: 240_000 },
    );
  }, 300_000);

  it('builds main, preload and renderer into out/; the bundled control plane serves the app', async () => {
    for (const file of [
      'out/main/index.js',
      'out/main/control-plane-process.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ])
      expect(existsSync(join(repoRoot, file)), file).toBe(true);

    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-desktop-'));
    const child = spawn(process.execPath, [join(repoRoot, 'out/main/control-plane-process.js')], {
      env: { ...process.env, FLOTILLA_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const ready = await new Promise<{ type: string; loginUrl: string; caPath: string; error?: string }>(
        (ok, fail) => {
          createInterface({ input: child.stdout! }).once('line', (l) => ok(JSON.parse(l)));
          child.once('exit', (code) => fail(new Error(`control plane process exited ${code}`)));
        },
      );
      expect(ready.type, ready.error).toBe('ready');
      const session = await login(ready.loginUrl, ready.caPath);
      const res = await forward(session, new Request('http://flotilla/api/v1/namespaces/default'));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { metadata: { name: string } }).metadata.name).toBe('default');
      // The link worked once.
      await expect(login(ready.loginUrl, ready.caPath)).rejects.toThrow(/HTTP 401/);
    } finally {
      const exited = new Promise<[number | null, string | null]>((r) =>
        child.once('exit', (code, signal) => r([code, signal])),
      );
      child.kill('SIGTERM');
      // SIGTERM is how main stops it when quitting: a clean shutdown, not a crash to restart.
      expect(await exited).toEqual([0, null]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('reports why the control plane cannot start, and exits 1 (main restarts it)', async () => {
    const bundle = join(repoRoot, 'out/main/control-plane-process.js');
    const env = { ...process.env };
    delete env['FLOTILLA_DATA_DIR'];
    const run = await promisify(execFile)(process.execPath, [bundle], { env, timeout: 60_000 }).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => err,
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout.trim())).toEqual({ type: 'failed', error: 'FLOTILLA_DATA_DIR is not set' });
  }, 120_000);
  it('the built main is a cluster supervisor under --flotilla-supervisor, before any of the desktop app', async () => {
    // Electron's binary cannot run here: out/main/index.js runs under plain Node with a stand-in
    // `electron` module (a loader hook) that records every use of Electron outside supervisor mode.
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-supervisor-bundle-'));
    try {
      const main = join(repoRoot, 'out/main/index.js');
      const register = writeStandInElectron(dir);
      const run = await promisify(execFile)(
        process.execPath,
        ['--import', register, main, '--flotilla-supervisor', 'nowhere'],
        { env: { ...process.env, FLOTILLA_HOME: dir }, timeout: 60_000 },
      ).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      const lines = run.stdout.trim().split('\n');
      const report = JSON.parse(lines.at(-1)!) as { code: number; touched: string[]; agentBundle: string };
      // No such cluster: the supervisor says why and the process exits 1 ...
      expect(run.code, run.stderr).toBe(1);
      expect(report.code).toBe(1);
      expect(run.stderr).toMatch(/the supervisor of nowhere cannot run/);
      // ... having touched nothing of the desktop app: no scheme, lock, window, tray or menu.
      expect(report.touched).toEqual([]);
      // A packaged app's installer takes the agent bundle from its resources.
      expect(report.agentBundle).toBe(join(dir, 'resources', 'agent', 'agent.mjs'));
      // Every provider is in the bundle (a packaged app has no provision/ sources to load).
      const bundled = readdirSync(join(repoRoot, 'out/main/chunks'))
        .map((f) => readFileSync(join(repoRoot, 'out/main/chunks', f), 'utf8'))
        .join('\n');
      for (const provider of ['MultipassProvider', 'VirtualBoxProvider', 'SshHostProvider'])
        expect(bundled, provider).toMatch(new RegExp(`class ${provider}\\b`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
  it.skipIf(netnsSkipReason() !== undefined)(
    'the built main, run as a packaged app runs it, creates a netns cluster with its packaged agent and stops it',
    async () => {
      const name = testClusterName();
      // A test home named like test/cluster's, so a dead run's cluster is found and removed.
      const home = `/tmp/flt-home-${name}`;
      const dir = mkdtempSync(join(tmpdir(), 'flotilla-desktop-cluster-'));
      const savedHome = process.env['FLOTILLA_HOME'];
      process.env['FLOTILLA_HOME'] = home;
      try {
        const register = writeStandInElectron(dir);
        // The packaged agent, told apart from the repo's build by its last line.
        mkdirSync(join(dir, 'resources', 'agent'), { recursive: true });
        const agent = `${readFileSync(await ensureAgentBundle(), 'utf8')}\n// the packaged copy\n`;
        writeFileSync(join(dir, 'resources', 'agent', 'agent.mjs'), agent);
        // What the desktop sets, with Node and the stand-in in place of Electron.
        const main = join(repoRoot, 'out/main/index.js');
        setSupervisorLauncher(appSupervisorLauncher(process.execPath, ['--import', register, main]));

        const summary = await createCluster({ name, provider: 'netns', nodes: 1 });
        expect(summary.state).toBe('running');
        const cmdline = readFileSync(`/proc/${supervisorPid(name)}/cmdline`, 'utf8').split('\0');
        expect(cmdline.slice(-4, -1)).toEqual(['--flotilla-supervisor', name, '--create']);
        const { stdout } = await promisify(execFile)(
          'kubectl',
          ['--kubeconfig', summary.kubeconfig, 'get', 'nodes', '-o', 'json'],
          { timeout: 60_000 },
        );
        const nodes = (
          JSON.parse(stdout) as {
            items: { status: { conditions: { type: string; status: string }[] } }[];
          }
        ).items;
        expect(nodes.map((n) => n.status.conditions.find((c) => c.type === 'Ready')?.status)).toEqual([
          'True',
        ]);
        const installed = join(listNodes(name)[0]!.agent.installDir, 'agent.mjs');
        expect(readFileSync(installed, 'utf8')).toBe(agent);

        await stopCluster(name);
        expect(supervisorPid(name)).toBeUndefined();
        // The stand-in app's exit line, in the supervisor's log: a clean stop, nothing else touched.
        const log = readFileSync(join(home, 'clusters', name, 'supervisor.log'), 'utf8');
        const exit = log
          .split('\n')
          .filter((l) => l.startsWith('{"code"'))
          .at(-1);
        expect(JSON.parse(exit ?? '{}')).toMatchObject({ code: 0, touched: [] });
      } finally {
        setSupervisorLauncher(undefined);
        await deleteCluster(name).catch(() => undefined);
        if (savedHome === undefined) delete process.env['FLOTILLA_HOME'];
        else process.env['FLOTILLA_HOME'] = savedHome;
        rmSync(home, { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});

/**
 * Electron's binary cannot run here: the built main runs under plain Node with this stand-in
 * `electron` module (put in place by a loader hook, `node --import <returned URL>`). Its `app`
 * says it is packaged (resources in DIR/resources) and prints `{code, touched, agentBundle}` on
 * exit; `touched` lists every other use of Electron, which supervisor mode must not make.
 */
function writeStandInElectron(dir: string): string {
  const main = join(repoRoot, 'out/main/index.js');
  const names = /^import \{([^}]*)\} from "electron";/m
    .exec(readFileSync(main, 'utf8'))![1]!
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n && n !== 'app');
  writeFileSync(
    join(dir, 'electron.mjs'),
    `const touched = [];
const standIn = (name) => new Proxy(function () {}, {
  get: (_, key) => (key === 'then' ? undefined : (touched.push(name + '.' + String(key)), standIn(name + '.' + String(key)))),
  apply: () => void touched.push(name + '()'),
  construct: () => (touched.push('new ' + name), {}),
});
const own = { isPackaged: true, dock: { hide() {} }, disableHardwareAcceleration() {}, setPath() {}, on() { return app; },
  exit(code) {
    process.stdout.write(JSON.stringify({ code, touched, agentBundle: process.env.FLOTILLA_AGENT_BUNDLE }) + '\\n');
    process.exit(code);
  } };
export const app = new Proxy(own, { get: (t, key) => (key in t ? t[key] : standIn('app')[key]) });
${names.map((n) => `export const ${n} = standIn(${JSON.stringify(n)});`).join('\n')}
`,
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';
process.resourcesPath = ${JSON.stringify(join(dir, 'resources'))};
const hook = 'export async function resolve(s, c, next) { return s === "electron" ? { url: ' +
  ${JSON.stringify(JSON.stringify(pathToFileURL(join(dir, 'electron.mjs')).href))} + ', shortCircuit: true } : next(s, c); }';
register('data:text/javascript,' + encodeURIComponent(hook));
`,
  );
  return pathToFileURL(join(dir, 'register.mjs')).href;
}
