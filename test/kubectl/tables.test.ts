// The read side of kubectl against `flotilla serve`: `kubectl get` for every served type prints
// the columns and cells upstream's printers print (fixtures in testdata/), and the rest of what a
// user reads with: -o wide, get all, events, describe, custom-columns, --sort-by, --show-labels,
// -L, get -w, --raw, api-versions. The server runs no controllers, so the statuses the test
// writes are the ones printed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { compareTable, loadFixtures } from './fixtures.ts';
import { events, statuses } from './statuses.ts';

const testdata = join(import.meta.dirname, 'testdata');
const ns = 'tables';
let server: TestServer;

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  server = await startServer({ args: ['--controllers', ''] });
  await ok(['create', 'namespace', ns]);
  await ok(['create', '-f', join(testdata, 'cluster-objects.yaml')]);
  await ok(['create', '-n', ns, '-f', join(testdata, 'objects.yaml')]);
  const now = Date.now();
  for (const s of statuses(now)) {
    await ok([
      'patch',
      s.resource,
      s.name,
      ...(s.cluster ? [] : ['-n', ns]),
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: s.status }),
    ]);
  }
  const crashUid = (await ok(['get', 'pod', 'crash', '-n', ns, '-o', 'jsonpath={.metadata.uid}'])).trim();
  await ok(
    ['create', '-n', ns, '-f', '-'],
    events(now, crashUid)
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
  // A pod with a finalizer stays, Terminating, after its delete.
  await ok(['delete', 'pod', 'leaving', '-n', ns, '--wait=false']);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('kubectl get prints upstream columns and cells', () => {
  for (const block of loadFixtures(testdata)) {
    it(`${block.file}: kubectl ${block.args.join(' ')}`, async () => {
      const out = await ok([...block.args, '-n', ns]);
      expect(compareTable(block, out), out).toEqual([]);
    });
  }
});

describe('the read-side kubectl experience', () => {
  it('get all lists the workload and service tables', async () => {
    const out = await ok(['get', 'all', '-n', ns]);
    const headers = out.split('\n').filter((l) => l.startsWith('NAME'));
    expect(headers.map((h) => h.split(/\s{2,}/).join(' | '))).toEqual([
      'NAME | READY | STATUS | RESTARTS | AGE',
      'NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE',
      'NAME | DESIRED | CURRENT | READY | UP-TO-DATE | AVAILABLE | NODE SELECTOR | AGE',
      'NAME | READY | UP-TO-DATE | AVAILABLE | AGE',
      'NAME | DESIRED | CURRENT | READY | AGE',
      'NAME | READY | AGE',
      'NAME | REFERENCE | TARGETS | MINPODS | MAXPODS | REPLICAS | AGE',
      'NAME | SCHEDULE | TIMEZONE | SUSPEND | ACTIVE | LAST SCHEDULE | AGE',
      'NAME | STATUS | COMPLETIONS | DURATION | AGE',
    ]);
    expect(out).toMatch(/^pod\/crash\s+0\/1\s+CrashLoopBackOff\s+5 \(5m\S* ago\)/m);
    expect(out).toMatch(/^deployment\.apps\/web\s+2\/3\s+3\s+2\s/m);
    expect(out).toMatch(/^job\.batch\/finished\s+Complete\s+1\/1\s+90s\s/m);
  });

  it('describe shows every type, and a pod its events found by field selector', async () => {
    const pod = await ok(['describe', 'pod', 'crash', '-n', ns]);
    expect(pod).toMatch(/^Name:\s+crash$/m);
    expect(pod).toMatch(/^Status:\s+Running$/m);
    expect(pod).toMatch(/Warning\s+BackOff\s+\S+ \(x12 over 1\d+m\)\s+kubelet\s+Back-off restarting/);
    const targets = [
      'pod/running',
      'deployment/web',
      'replicaset/web-abc',
      'statefulset/db',
      'daemonset/agent',
      'job/finished',
      'cronjob/nightly',
      'service/nodeport',
      'endpoints/many',
      'endpointslice/web-x1',
      'configmap/settings',
      'secret/creds',
      'serviceaccount/builder',
      'persistentvolumeclaim/bound',
      'resourcequota/compute',
      'limitrange/defaults',
      'ingress/site',
      'lease/leader',
      'horizontalpodautoscaler/web',
      'node/node-1',
      'namespace/tables',
      'persistentvolume/pv-bound',
      'storageclass/standard',
      'ingressclass/nginx',
    ];
    for (const target of targets) {
      const out = await ok(['describe', target, '-n', ns]);
      expect(out, target).toMatch(new RegExp(`^Name:\\s+${target.split('/')[1]}$`, 'm'));
    }
  });

  it('get events -o wide reads core and events.k8s.io events alike', async () => {
    const out = await ok(['get', 'events.events.k8s.io', '-n', ns, '-o', 'wide']);
    expect(out.split('\n')[0]!.split(/\s{2,}/)).toEqual([
      'LAST SEEN',
      'TYPE',
      'REASON',
      'OBJECT',
      'SUBOBJECT',
      'SOURCE',
      'MESSAGE',
      'FIRST SEEN',
      'COUNT',
      'NAME',
    ]);
  });

  it('custom columns, --sort-by, --show-labels and -L', async () => {
    const custom = await ok([
      'get',
      'pods',
      '-n',
      ns,
      '-o',
      'custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,PHASE:.status.phase',
    ]);
    expect(custom).toMatch(/^NAME\s+NODE\s+PHASE$/m);
    expect(custom).toMatch(/^pending\s+<none>\s+Pending$/m);
    expect(custom).toMatch(/^done\s+node-1\s+Succeeded$/m);
    const sorted = await ok(['get', 'nodes', '--sort-by=.status.addresses[0].address', '-o', 'name']);
    expect(sorted.trim().split('\n')).toEqual(['node/node-3', 'node/node-1', 'node/node-2']);
    const labelled = await ok(['get', 'pods', '-n', ns, '-l', 'app=web', '--show-labels', '-L', 'tier']);
    expect(labelled.split('\n')[0]!.split(/\s{2,}/)).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'TIER',
      'LABELS',
    ]);
    expect(labelled).toMatch(/^pending\s+0\/1\s+Pending\s+0\s+\S+\s+front\s+app=web,tier=front$/m);
  });

  it('auth whoami reads a SelfSubjectReview', async () => {
    const out = await ok(['auth', 'whoami']);
    expect(out).toMatch(/^ATTRIBUTE\s+VALUE$/m);
    expect(out).toMatch(/^Username\s+admin$/m);
  });

  it('get --raw and api-versions', async () => {
    const raw = JSON.parse(await ok(['get', '--raw', `/api/v1/namespaces/${ns}/configmaps/settings`]));
    expect(raw).toMatchObject({ kind: 'ConfigMap', data: { a: '1', b: '2' } });
    const versions = (await ok(['api-versions'])).trim().split('\n');
    expect(versions).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1']));
    expect([...versions].sort()).toEqual(versions);
  });

  it('get -w prints the table once, then a row per change', async () => {
    const child = spawn('kubectl', ['get', 'pods', '-n', ns, '-w'], {
      env: { ...process.env, KUBECONFIG: server.kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    try {
      await waitFor(() => /^running\s/m.test(out), 60_000, 'the initial listing');
      const before = out.split('\n').filter((l) => l.startsWith('running ')).length;
      // Two changes: upstream sends columnDefinitions with the first watch event only.
      await ok(['label', 'pod', 'running', '-n', ns, 'watched=yes']);
      await ok(['label', 'pod', 'running', '-n', ns, 'watched=again', '--overwrite']);
      await waitFor(
        () => out.split('\n').filter((l) => l.startsWith('running ')).length >= before + 2,
        60_000,
        'a row per change of the pod',
      );
      expect(out.split('\n').filter((l) => l.startsWith('NAME'))).toHaveLength(1);
      const rows = out.split('\n').filter((l) => l.startsWith('running '));
      for (const row of rows) expect(row).toMatch(/^running\s+1\/1\s+Running\s+0\s+\S+\s*$/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('Table responses', () => {
  const asTable = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };

  it('honour includeObject and keep list metadata for paging', async () => {
    const page = await rawRequest(server, {
      path: `/api/v1/namespaces/${ns}/pods?limit=2&includeObject=Object`,
      headers: asTable,
    });
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(page.json.metadata.resourceVersion).toBeTruthy();
    expect(page.json.metadata.continue).toBeTruthy();
    expect(page.json.rows).toHaveLength(2);
    expect(page.json.rows[0].object).toMatchObject({ kind: 'Pod', spec: { containers: [{ name: 'c' }] } });
    const wide = page.json.columnDefinitions.filter((c: any) => c.priority === 1).map((c: any) => c.name);
    expect(wide).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);

    const bare = await rawRequest(server, {
      path: `/api/v1/namespaces/${ns}/pods/done?includeObject=None`,
      headers: asTable,
    });
    expect(bare.json.rows).toHaveLength(1);
    expect(bare.json.rows[0].object).toBeUndefined();
    expect(bare.json.rows[0].conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
  });

  it('stream watch events whose objects are one-row Tables', async () => {
    const res = await rawRequest(server, {
      path: `/api/v1/namespaces/${ns}/pods?watch=1&timeoutSeconds=2&fieldSelector=metadata.name%3Drunning`,
      headers: asTable,
      timeoutMs: 60_000,
    });
    const evs = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(evs[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Table' } });
    expect(evs[0].object.rows).toHaveLength(1);
    expect(evs[0].object.rows[0].cells.slice(0, 3)).toEqual(['running', '1/1', 'Running']);
    expect(evs[0].object.columnDefinitions.map((c: any) => c.name)).toContain('Restarts');
  });
});
