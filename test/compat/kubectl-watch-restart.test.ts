// The real kubectl's `get --watch` across a server restart. kubectl v1.32 does not retry a watch
// itself (get.go runs watchtools.UntilWithoutRetry and ignores "watch closed"), so what a user
// sees is: the watch streams every acknowledged change up to the moment the server stops, then
// exits cleanly (status 0, no hang, no error); run again on the restarted server, it re-lists
// exactly the server's state, changes made right after the restart included, and streams on.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kubectl, waitFor } from '../helpers/server.ts';
import { freePort, startServe, type ServeProcess } from '../client/serve-process.ts';

const label = 'flotilla.test/kubectl-watch';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface KubectlWatch {
  /** One line per event: `TYPE NAME COUNTER`. */
  readonly lines: string[];
  readonly stderr: string;
  /** Resolves with kubectl's exit code. */
  readonly exited: Promise<number | null>;
}

/** `kubectl get configmaps --watch` printing one `TYPE NAME COUNTER` line per event. */
function watchConfigMaps(kubeconfig: string): KubectlWatch {
  const child: ChildProcess = spawn(
    'kubectl',
    [
      'get',
      'configmaps',
      '-l',
      `${label}=yes`,
      '--watch',
      '--output-watch-events',
      '-o',
      'jsonpath={.type} {.object.metadata.name} {.object.metadata.annotations.counter}{"\\n"}',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: kubeconfig } },
  );
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop()!;
    lines.push(...complete.filter((l) => l.trim() !== ''));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return {
    lines,
    get stderr() {
      return stderr;
    },
    exited,
  };
}

async function run(server: ServeProcess, args: string[], input?: string): Promise<void> {
  const r = await kubectl(args, { input, env: { KUBECONFIG: server.kubeconfig } });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
}

const apply = (server: ServeProcess, name: string) =>
  run(
    server,
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: { [label]: 'yes' }, annotations: { counter: '0' } },
    }),
  );
const setCounter = (server: ServeProcess, name: string, n: number) =>
  run(server, ['annotate', '--overwrite', 'configmap', name, `counter=${n}`]);

describe('kubectl get --watch across a restart of flotilla serve', () => {
  it(
    'streams up to the stop, exits cleanly, and a new watch re-lists the restarted server',
    { timeout: 300_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-compat-kubectl-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const port = await freePort();
      let server = await startServe({ dataDir, port });
      cleanup.push(() => server.stop());

      await apply(server, 'a');
      const first = watchConfigMaps(server.kubeconfig);
      await waitFor(() => first.lines.includes('ADDED a 0'), 120_000, 'the initial list');
      await setCounter(server, 'a', 1);
      // Acknowledged right before the stop: the open watch is told before the server ends it.
      await setCounter(server, 'a', 2);
      await apply(server, 'b');
      await server.stop();
      expect(await first.exited).toBe(0);
      expect(first.lines).toEqual(['ADDED a 0', 'MODIFIED a 1', 'MODIFIED a 2', 'ADDED b 0']);

      server = await startServe({ dataDir, port });
      await setCounter(server, 'a', 3);
      await run(server, ['delete', 'configmap', 'b']);
      await apply(server, 'c');

      const second = watchConfigMaps(server.kubeconfig);
      await waitFor(() => second.lines.length >= 2, 120_000, 'the re-list');
      expect([...second.lines].sort()).toEqual(['ADDED a 3', 'ADDED c 0']);
      await setCounter(server, 'c', 1);
      await waitFor(() => second.lines.length >= 3, 120_000, 'the change after the re-list');
      expect(second.lines[2]).toBe('MODIFIED c 1');
      expect(second.stderr).toBe('');
    },
  );
});
