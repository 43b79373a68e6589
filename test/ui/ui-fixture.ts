// End-to-end fixture for the browser UI: `flotilla serve` (on a free port, temp data dir) with
// its one-time login link, N simulated nodes, the renderer built when missing, and headless
// Debian Chromium driven by playwright-core. Everything is stopped and removed by close().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { kubectl, type KubectlResult } from '../helpers/server.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const bin = join(repoRoot, 'cli', 'bin.mjs');
export const screenshotDir = join(import.meta.dirname, 'screenshots');
export const chromiumPath = '/usr/bin/chromium';
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface UiCluster {
  url: string;
  loginUrl: string;
  kubeconfig: string;
  browser: Browser;
  /** A fresh browser context (its own cookies) with a page. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * page.goto that tries again when Chromium reports ERR_NETWORK_CHANGED: other tests on this
 * machine create and delete network interfaces, and Chromium aborts navigations when they do.
 */
export async function gotoRetry(page: Page, url: string): Promise<Response | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url);
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('ERR_NETWORK_CHANGED')) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** Newest modification time of the renderer's sources. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/renderer when it is missing or older than its sources, so tests see this tree. */
export function ensureRendererBuilt(): void {
  const index = join(repoRoot, 'dist', 'renderer', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource(join(repoRoot, 'renderer'))) return;
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
    ],
    {
      cwd: repoRoot,
      stdio: 'ignore',
    },
  );
}

function readyLine(child: ChildProcess, what: string): Promise<Record<string, unknown>> {
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout! });
  return new Promise((ok, fail) => {
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg['event'] === 'ready') ok(msg);
        if (msg['event'] === 'error') fail(new Error(`${what}: ${String(msg['message'])}`));
      } catch {
        // not JSON
      }
    });
    child.once('exit', (code) => fail(new Error(`${what} exited ${code}: ${stderr}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startUiCluster(
  opts: { nodes?: number; env?: Record<string, string> } = {},
): Promise<UiCluster> {
  ensureRendererBuilt();
  mkdirSync(screenshotDir, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'flotilla-ui-'));
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);
  const serve = spawn(
    process.execPath,
    [bin, 'serve', '--data-dir', join(root, 'data'), '--port', '0', '--output', 'json'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  children.push(serve);
  let browser: Browser | undefined;
  try {
    const ready = await readyLine(serve, 'flotilla serve');
    const kubeconfig = String(ready['kubeconfig']);
    if (opts.nodes) {
      const sim = spawn(
        process.execPath,
        [
          bin,
          'simulate',
          'nodes',
          '--count',
          String(opts.nodes),
          '--kubeconfig',
          kubeconfig,
          '--output',
          'json',
          '--prefix',
          'sim-',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(sim);
      await readyLine(sim, 'flotilla simulate nodes');
    }
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
    const b = browser;
    return {
      url: String(ready['api']),
      loginUrl: String(ready['uiLogin']),
      kubeconfig,
      browser: b,
      async newPage() {
        const context = await b.newContext({
          ignoreHTTPSErrors: true,
          viewport: { width: 1280, height: 800 },
        });
        return { context, page: await context.newPage() };
      },
      kubectl: (args, input) => kubectl(args, { kubeconfig, ...(input === undefined ? {} : { input }) }),
      screenshot: async (page, name) => {
        await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
      },
      async close() {
        await b.close().catch(() => {});
        for (const c of children.reverse()) await stopChild(c);
        process.off('exit', killAll);
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    for (const c of children.reverse()) await stopChild(c);
    process.off('exit', killAll);
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
