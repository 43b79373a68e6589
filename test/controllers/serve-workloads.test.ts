// What a user does: `flotilla serve` (which runs the scheduler and the controller manager) and
// `flotilla simulate nodes` as separate processes, then kubectl. Proves the workload controllers
// are wired into serve, not just runnable from tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { eventually } from './harness.ts';

const bin = join(resolve(import.meta.dirname, '..', '..'), 'cli', 'bin.mjs');

function simulateNodes(kubeconfig: string, count: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [bin, 'simulate', 'nodes', '--count', String(count), '--kubeconfig', kubeconfig, '--output', 'json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`simulate nodes not ready: ${stderr}`));
    }, 90_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"event":"ready"')) {
        clearTimeout(timer);
        ok(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`simulate nodes exited with ${code}: ${stderr}`));
    });
  });
}

describe('workloads on flotilla serve with flotilla simulate nodes', () => {
  let server: TestServer;
  let nodes: ChildProcess | undefined;
  beforeAll(async () => {
    server = await startServer();
    nodes = await simulateNodes(server.kubeconfig, 3);
  }, 180_000);
  afterAll(async () => {
    if (nodes && nodes.exitCode === null) {
      const exited = new Promise((r) => nodes!.once('exit', r));
      nodes.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
  });

  const k = async (...args: string[]) => {
    const r = await server.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('rolls a deployment out over the simulated nodes and heals a deleted pod', async () => {
    await k('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
    expect(await k('rollout', 'status', 'deployment/web', '--timeout=120s')).toContain(
      'successfully rolled out',
    );
    const pods = JSON.parse(await k('get', 'pods', '-l', 'app=web', '-o', 'json')).items;
    expect(new Set(pods.map((p: any) => p.spec.nodeName)).size).toBe(3);
    await k('delete', 'pod', pods[0].metadata.name, '--wait=false');
    await eventually(async () => {
      const now = JSON.parse(await k('get', 'pods', '-l', 'app=web', '-o', 'json')).items.filter(
        (p: any) => !p.metadata.deletionTimestamp && p.status.phase === 'Running',
      );
      return now.length === 3 && !now.some((p: any) => p.metadata.name === pods[0].metadata.name);
    }, 'a replacement pod running');
  }, 180_000);

  it('completes a job', async () => {
    await k('create', 'job', 'once', '--image=busybox', '--', 'sh', '-c', 'echo done');
    expect(await k('wait', '--for=condition=complete', 'job/once', '--timeout=120s')).toContain(
      'condition met',
    );
  }, 180_000);

  it('cascades a deployment deletion to its ReplicaSets and pods, and orphans them on request', async () => {
    await k('create', 'deployment', 'gone', '--image=nginx', '--replicas=2');
    await k('rollout', 'status', 'deployment/gone', '--timeout=120s');
    await k('delete', 'deployment', 'gone', '--cascade=foreground');
    await eventually(async () => {
      const rs = JSON.parse(await k('get', 'rs', '-l', 'app=gone', '-o', 'json')).items;
      const pods = JSON.parse(await k('get', 'pods', '-l', 'app=gone', '-o', 'json')).items;
      return rs.length === 0 && pods.length === 0;
    }, 'the ReplicaSet and pods deleted with their deployment');

    await k('create', 'deployment', 'kept', '--image=nginx', '--replicas=1');
    await k('rollout', 'status', 'deployment/kept', '--timeout=120s');
    await k('delete', 'deployment', 'kept', '--cascade=orphan');
    const [rs] = JSON.parse(await k('get', 'rs', '-l', 'app=kept', '-o', 'json')).items;
    expect(rs.metadata.ownerReferences ?? []).toEqual([]);
    expect(JSON.parse(await k('get', 'pods', '-l', 'app=kept', '-o', 'json')).items).toHaveLength(1);
  }, 180_000);
});
