// Running `flotilla cluster|node|image|kubeconfig` as a user would, against a private data root
// (FLOTILLA_HOME) per test file, and finding what a dead test run left behind.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { removeStaleTestClusters, testClusterName } from '../helpers/netns.ts';

const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestHome {
  /** The cluster name this test file uses (ft-<pid>-<random>, see test/helpers/netns.ts). */
  cluster: string;
  home: string;
  clusterDir: string;
  kubeconfig: string;
  flotilla(args: string[], opts?: { timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult>;
  /** `cluster delete` (also kills a supervisor left running) and removes the data root. */
  cleanup(): Promise<void>;
}

export function testHome(): TestHome {
  const cluster = testClusterName();
  const home = `/tmp/flt-home-${cluster}`;
  const flotilla: TestHome['flotilla'] = (args, opts = {}) => runCli(args, home, opts);
  return {
    cluster,
    home,
    clusterDir: join(home, 'clusters', cluster),
    kubeconfig: join(home, 'clusters', cluster, 'kubeconfig.yaml'),
    flotilla,
    async cleanup() {
      await flotilla(['cluster', 'delete', cluster], { timeoutMs: 180_000 });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function runCli(
  args: string[],
  home: string,
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, FLOTILLA_HOME: home, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Deletes the clusters of test runs whose process is gone (their supervisors too). */
export async function removeStaleTestHomes(): Promise<void> {
  for (const entry of readdirSync('/tmp')) {
    const match = /^flt-home-(ft-([0-9a-z]+)-[0-9a-f]+)$/.exec(entry);
    if (!match || isAlive(parseInt(match[2]!, 36))) continue;
    const home = join('/tmp', entry);
    if (existsSync(join(home, 'clusters', match[1]!)))
      await runCli(['cluster', 'delete', match[1]!], home, { timeoutMs: 180_000 });
    rmSync(home, { recursive: true, force: true });
  }
  await removeStaleTestClusters();
}

/** JSON lines of a `--output json` run. */
export function jsonLines(text: string): any[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

export function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
