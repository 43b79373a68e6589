// Deleting and waiting as kubectl users do: --cascade (the propagation policy the garbage
// collector reads), --grace-period/--now/--force on pods, -l/--all/--all-namespaces, server dry
// runs, --wait on finalizers; and watching: get -w (with --output-watch-events), wait
// --for=delete/condition/jsonpath, and the watch parameters kubectl's informers send. Controllers
// are off so what the test sees is the API server's doing alone.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, waitFor, type TestServer } from '../helpers/server.ts';

let server: TestServer;
const ns = 'lifecycle';

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

const jsonpath = async (args: string[], path: string) =>
  (await ok(['get', ...args, '-o', `jsonpath=${path}`])).trim();

const exists = async (args: string[]) => (await server.kubectl(['get', ...args])).code === 0;

function pod(name: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'lifecycle' } },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra },
  });
}

beforeAll(async () => {
  server = await startServer({ args: ['--controllers', ''] });
  await ok(['create', 'namespace', ns]);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('kubectl delete', () => {
  it('--cascade stores the propagation the garbage collector acts on', async () => {
    for (const name of ['orphan', 'foreground', 'background'])
      await ok(['create', 'deployment', name, '--image=nginx', '-n', ns]);
    // Orphan and Foreground leave the object with the GC's finalizer until the GC is done.
    expect(await ok(['delete', 'deploy', 'orphan', '--cascade=orphan', '--wait=false', '-n', ns])).toBe(
      'deployment.apps "orphan" deleted\n',
    );
    expect(await jsonpath(['deploy', 'orphan', '-n', ns], '{.metadata.finalizers}')).toBe('["orphan"]');
    await ok(['delete', 'deploy', 'foreground', '--cascade=foreground', '--wait=false', '-n', ns]);
    expect(
      await jsonpath(
        ['deploy', 'foreground', '-n', ns],
        '{.metadata.finalizers} {.metadata.deletionTimestamp}',
      ),
    ).toMatch(/^\["foregroundDeletion"\] \d{4}-/);
    // Background (the default) removes the object at once; dependents go after.
    await ok(['delete', 'deploy', 'background', '--cascade=background', '-n', ns]);
    expect(await exists(['deploy', 'background', '-n', ns])).toBe(false);
    // Without a garbage collector running, clear the finalizers ourselves.
    for (const name of ['orphan', 'foreground'])
      await ok(['patch', 'deploy', name, '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await waitFor(async () => !(await exists(['deploy', 'orphan', '-n', ns])), 30_000, 'orphan gone');
  });

  it('pods: --grace-period on a bound pod, --now, and --force', async () => {
    await ok(['create', '-n', ns, '-f', '-'], pod('bound', { nodeName: 'node-a' }));
    await ok(['delete', 'pod', 'bound', '-n', ns, '--grace-period=45', '--wait=false']);
    expect(await jsonpath(['pod', 'bound', '-n', ns], '{.metadata.deletionGracePeriodSeconds}')).toBe('45');
    // A shorter grace period may still shorten a pending deletion; --now is a grace period of 1.
    await ok(['delete', 'pod', 'bound', '-n', ns, '--now', '--wait=false']);
    expect(await jsonpath(['pod', 'bound', '-n', ns], '{.metadata.deletionGracePeriodSeconds}')).toBe('1');
    const forced = await server.kubectl(['delete', 'pod', 'bound', '-n', ns, '--force', '--grace-period=0']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toBe(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
    expect(forced.stdout).toBe('pod "bound" force deleted\n');
    expect(await exists(['pod', 'bound', '-n', ns])).toBe(false);
  });

  it('-l, --all and --all-namespaces, with server dry runs that keep everything', async () => {
    await ok(['create', 'namespace', 'other']);
    for (const [name, where] of [
      ['one', ns],
      ['two', ns],
      ['three', 'other'],
    ])
      await ok(['create', 'configmap', name!, '-n', where!, '--from-literal=k=v']);
    await ok(['label', 'configmap', 'one', 'tier=a', '-n', ns]);

    const dry = await ok(['delete', 'configmap', '--all', '--all-namespaces', '--dry-run=server']);
    expect(dry.split('\n').filter(Boolean).sort()).toEqual([
      'configmap "one" deleted (server dry run)',
      'configmap "three" deleted (server dry run)',
      'configmap "two" deleted (server dry run)',
    ]);
    expect(await exists(['configmap', 'three', '-n', 'other'])).toBe(true);

    expect(await ok(['delete', 'configmap', '-l', 'tier=a', '-n', ns])).toBe('configmap "one" deleted\n');
    expect(await ok(['delete', 'configmap', '--all', '-n', ns])).toBe('configmap "two" deleted\n');
    expect(await ok(['delete', 'configmap', '-l', 'tier=a', '-n', ns])).toBe('No resources found\n');
    expect(await ok(['delete', 'configmap', '--all', '-n', ns])).toBe('No resources found\n');
    const missing = await server.kubectl(['delete', 'configmap', 'ghost', '-n', ns]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): configmaps "ghost" not found\n');
    expect(await ok(['delete', 'configmap', 'ghost', '-n', ns, '--ignore-not-found'])).toBe('');
  });

  it('--wait waits for finalizers, and says so when they outlast --timeout', async () => {
    await ok(
      ['create', '-n', ns, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
      }),
    );
    const held = await server.kubectl(['delete', 'configmap', 'held', '-n', ns, '--timeout=2s']);
    expect(held.code).toBe(1);
    expect(held.stdout).toBe('configmap "held" deleted\n');
    expect(held.stderr).toBe('error: timed out waiting for the condition on configmaps/held\n');
    // The object stays, marked for deletion, until its finalizer is released.
    expect(await jsonpath(['configmap', 'held', '-n', ns], '{.metadata.deletionTimestamp}')).not.toBe('');
    await ok([
      'patch',
      'configmap',
      'held',
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    await waitFor(async () => !(await exists(['configmap', 'held', '-n', ns])), 30_000, 'held to be gone');
  });
});

describe('watching', () => {
  it('get -w --output-watch-events prints each change as it happens', async () => {
    await ok(['create', 'configmap', 'before', '-n', ns, '--from-literal=a=1']);
    const child = spawn(
      'kubectl',
      ['get', 'configmaps', '-n', ns, '-w', '--output-watch-events', '--request-timeout=90s'],
      { env: { ...process.env, KUBECONFIG: server.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    try {
      await waitFor(() => out.includes('before'), 60_000, 'the initial list');
      await ok(['create', 'configmap', 'during', '-n', ns, '--from-literal=a=1']);
      await ok(['patch', 'configmap', 'during', '-n', ns, '--type=merge', '-p', '{"data":{"a":"2"}}']);
      await ok(['delete', 'configmap', 'during', '-n', ns]);
      await waitFor(() => out.includes('DELETED'), 60_000, 'the DELETED event');
      // EVENT, NAME, DATA, AGE: the table with the event type in front, headers once.
      const rows = out
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 3).join(' '));
      expect(rows).toEqual([
        'EVENT NAME DATA',
        'ADDED before 1',
        'ADDED during 1',
        'MODIFIED during 1',
        'DELETED during 1',
      ]);
    } finally {
      child.kill();
    }
    await ok(['delete', 'configmap', 'before', '-n', ns]);
  });

  it('wait --for=delete, --for=condition and --for=jsonpath', async () => {
    await ok(['create', 'job', 'batch', '--image=busybox', '-n', ns]);
    const complete = server.kubectl([
      'wait',
      '--for=condition=complete',
      'job/batch',
      '-n',
      ns,
      '--timeout=60s',
    ]);
    const jp = server.kubectl([
      'wait',
      '--for=jsonpath={.status.succeeded}=1',
      'job/batch',
      '-n',
      ns,
      '--timeout=60s',
    ]);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await ok([
      'patch',
      'job',
      'batch',
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          startTime: now,
          completionTime: now,
          succeeded: 1,
          conditions: [
            { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now, lastProbeTime: now },
            { type: 'Complete', status: 'True', lastTransitionTime: now, lastProbeTime: now },
          ],
        },
      }),
    ]);
    for (const r of [await complete, await jp]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, r.stderr).toBe('job.batch/batch condition met\n');
    }
    // --for=delete on something already gone succeeds silently; to see the wait itself, the
    // Job is held by a finalizer until kubectl's watch (its -v=6 log says when) is open.
    await ok([
      'patch',
      'job',
      'batch',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    ]);
    await ok(['delete', 'job', 'batch', '-n', ns, '--wait=false']);
    const waiter = spawn(
      'kubectl',
      ['wait', '--for=delete', 'job/batch', '-n', ns, '--timeout=60s', '-v=6'],
      {
        env: { ...process.env, KUBECONFIG: server.kubeconfig },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let log = '';
    waiter.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    waiter.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
    const exited = new Promise<number | null>((done) => waiter.on('close', done));
    await waitFor(() => /GET \S+watch=true\S* 200/.test(log), 60_000, 'kubectl wait to watch');
    await ok(['patch', 'job', 'batch', '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    expect(await exited, log).toBe(0);
    expect(stdout).toBe('job.batch/batch condition met\n');
    await ok(['create', 'configmap', 'never', '-n', ns, '--from-literal=x=n']);
    const timeout = await server.kubectl([
      'wait',
      '--for=jsonpath={.data.x}=y',
      'configmap/never',
      '-n',
      ns,
      '--timeout=1s',
    ]);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toMatch(/error: timed out waiting for the condition on configmaps\/never\n$/);
  });

  it('serves the watch parameters informers send (bookmarks, initial events, timeouts)', async () => {
    await ok(['create', 'configmap', 'seen', '-n', ns, '--from-literal=a=1']);
    const r = await rawRequest(server, {
      path: `/api/v1/namespaces/${ns}/configmaps?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=2`,
      timeoutMs: 60_000,
    });
    const events = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const added = events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
    expect(added).toContain('seen');
    const endOfInitial = events.findIndex(
      (e) => e.type === 'BOOKMARK' && e.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true',
    );
    expect(endOfInitial).toBe(added.length);
    const refused = await rawRequest(server, {
      path: `/api/v1/namespaces/${ns}/configmaps?watch=1&sendInitialEvents=true`,
    });
    expect(refused.status).toBe(422);
    expect(refused.json.message).toContain(
      'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    );
  });
});
