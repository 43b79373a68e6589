// The declarative life of a realistic manifest set (testdata/manifests/: multi-document YAML and
// a v1 List, every kind a small shop would ship) as a kubectl user sees it: apply creates every
// object, re-apply leaves every one unchanged, a modified set configures exactly the changed
// objects with exactly that change, diff shows it first, and delete -f removes everything.
// Output lines are the ones upstream kubectl prints against upstream 1.32.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

const manifests = join(import.meta.dirname, 'testdata', 'manifests');
const yamlFiles = ['00-cluster.yaml', '10-web.yaml', '20-db.yaml', '30-batch.yaml'];
const listFile = '40-policy.json';

/** What kubectl names each object, in the order of the files and documents. */
const objects = [
  'namespace/shop',
  'storageclass.storage.k8s.io/local-fast',
  'ingressclass.networking.k8s.io/nginx',
  'priorityclass.scheduling.k8s.io/shop-critical',
  'persistentvolume/archive-pv',
  'configmap/web-config',
  'secret/web-credentials',
  'serviceaccount/web',
  'deployment.apps/nginx-deployment',
  'service/nginx',
  'ingress.networking.k8s.io/shop',
  'horizontalpodautoscaler.autoscaling/nginx',
  'service/db',
  'statefulset.apps/db',
  'persistentvolumeclaim/uploads',
  'daemonset.apps/log-agent',
  'job.batch/pi',
  'cronjob.batch/nightly-report',
  'resourcequota/compute',
  'limitrange/defaults',
  'lease.coordination.k8s.io/report-leader',
  'endpointslice.discovery.k8s.io/legacy-billing-1',
  'service/legacy-billing',
];
const clusterScoped = new Set(objects.slice(0, 5));
const nsArgs = (o: string) => (clusterScoped.has(o) ? [] : ['-n', 'shop']);

let server: TestServer;
let work: string;

async function ok(args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

/**
 * Apply the set from `dir`, with kubectl's default validation (a v1 List is checked on the client
 * against /openapi/v2 in protobuf, every other document on the server).
 */
async function applySet(dir: string, extra: string[] = []): Promise<string[]> {
  const docs = await ok(['apply', ...extra, ...yamlFiles.flatMap((f) => ['-f', join(dir, f)])]);
  const list = await ok(['apply', ...extra, '-f', join(dir, listFile)]);
  return (docs + list).trim().split('\n');
}

async function getJson(o: string): Promise<any> {
  return JSON.parse(await ok(['get', o, ...nsArgs(o), '-o', 'json']));
}

/** Every object's content (see content()): controllers keep writing status, users do not. */
async function contents(): Promise<Map<string, any>> {
  const out = new Map<string, any>();
  for (const o of objects) out.set(o, content(await getJson(o)));
  return out;
}

/** The object without what every write changes (versions, bookkeeping), for exact comparisons. */
function content(obj: any): any {
  const meta = { ...obj.metadata, annotations: { ...obj.metadata.annotations } };
  for (const field of ['resourceVersion', 'generation', 'managedFields']) delete meta[field];
  delete meta.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  delete meta.annotations['deployment.kubernetes.io/revision'];
  const body = { ...obj, metadata: meta };
  delete body.status;
  return body;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flotilla-apply-'));
  // Controllers run (as under `flotilla serve`): the namespace controller finishes the delete.
  server = await startServer();
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('kubectl apply of a manifest set', () => {
  it('creates every object, in file and document order', async () => {
    expect(await applySet(manifests)).toEqual(objects.map((o) => `${o} created`));
  });

  it('re-applied unchanged, it reports every object unchanged and changes nothing', async () => {
    const before = await contents();
    expect(await applySet(manifests)).toEqual(objects.map((o) => `${o} unchanged`));
    expect(await contents()).toEqual(before);
  });

  it('modified, diff shows the change, and apply configures exactly the changed objects', async () => {
    const modified = join(work, 'modified');
    cpSync(manifests, modified, { recursive: true });
    const edit = (file: string, from: string, to: string) => {
      const path = join(modified, file);
      const text = readFileSync(path, 'utf8');
      expect(text.split(from).length, `${from} once in ${file}`).toBe(2);
      writeFileSync(path, text.replace(from, to));
    };
    edit('10-web.yaml', 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
    edit('10-web.yaml', 'image: nginx:1.14.2', 'image: nginx:1.16.1');
    edit(listFile, '"holderIdentity": "report-0"', '"holderIdentity": "report-1"');
    const changed = [
      'configmap/web-config',
      'deployment.apps/nginx-deployment',
      'lease.coordination.k8s.io/report-leader',
    ];

    const diff = await server.kubectl(['diff', '-f', join(modified, '10-web.yaml')]);
    expect(diff.code, diff.stderr).toBe(1); // 1: differences found, as upstream
    expect(diff.stdout).toMatch(/^-\s+LOG_LEVEL: info$/m);
    expect(diff.stdout).toMatch(/^\+\s+LOG_LEVEL: debug$/m);
    expect(diff.stdout).toMatch(/^\+\s+- image: nginx:1\.16\.1$|^\+\s+image: nginx:1\.16\.1$/m);

    const before = new Map<string, any>();
    for (const o of objects) before.set(o, await getJson(o));
    expect(await applySet(modified)).toEqual(
      objects.map((o) => `${o} ${changed.includes(o) ? 'configured' : 'unchanged'}`),
    );
    for (const o of objects) {
      const after = await getJson(o);
      const expected = content(before.get(o));
      if (o === 'configmap/web-config') expected.data.LOG_LEVEL = 'debug';
      if (o === 'deployment.apps/nginx-deployment')
        expected.spec.template.spec.containers[0].image = 'nginx:1.16.1';
      if (o === 'lease.coordination.k8s.io/report-leader') expected.spec.holderIdentity = 'report-1';
      expect(content(after), o).toEqual(expected);
    }
    // A spec change is a new generation; the ConfigMap and Lease have none.
    const deployment = await getJson('deployment.apps/nginx-deployment');
    expect(deployment.metadata.generation).toBe(
      before.get('deployment.apps/nginx-deployment').metadata.generation + 1,
    );

    const clean = await server.kubectl(['diff', '-f', join(modified, '10-web.yaml')]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toBe('');
  });

  it('dry runs of apply and delete report what they would do and change nothing', async () => {
    const before = await contents();
    const file = join(manifests, '30-batch.yaml');
    expect((await ok(['apply', '--dry-run=server', '-f', file])).trim().split('\n')).toEqual([
      'daemonset.apps/log-agent unchanged (server dry run)',
      'job.batch/pi unchanged (server dry run)',
      'cronjob.batch/nightly-report unchanged (server dry run)',
    ]);
    expect((await ok(['delete', '--dry-run=server', '-f', file])).trim().split('\n')).toEqual([
      'daemonset.apps "log-agent" deleted (server dry run)',
      'job.batch "pi" deleted (server dry run)',
      'cronjob.batch "nightly-report" deleted (server dry run)',
    ]);
    expect(await contents()).toEqual(before);
  });

  it('delete -f removes everything it created', async () => {
    // Files in reverse, namespace last, as one tears a set down: deleting the namespace first
    // races its own cleanup against the deletes that follow (NotFound), upstream as here.
    const out = await ok([
      'delete',
      '--timeout=120s',
      ...[...yamlFiles, listFile].reverse().flatMap((f) => ['-f', join(manifests, f)]),
    ]);
    const named = (o: string) => {
      const slash = o.indexOf('/');
      return `${o.slice(0, slash)} "${o.slice(slash + 1)}" deleted`;
    };
    expect(out.trim().split('\n').sort()).toEqual(objects.map(named).sort());
    // Everything in the namespace goes with it; the cluster-scoped objects were deleted directly.
    await waitFor(
      async () => (await server.kubectl(['get', 'namespace', 'shop'])).code === 1,
      120_000,
      'namespace shop to be gone',
    );
    for (const o of objects.filter((x) => clusterScoped.has(x))) {
      const r = await server.kubectl(['get', o]);
      expect(r.code, o).toBe(1);
      expect(r.stderr).toMatch(/\(NotFound\)/);
    }
  });

  // kubectl validates a v1 List against /openapi/v2, which it asks for in protobuf only.
  it('validates a v1 List on the client like upstream (/openapi/v2 protobuf)', async () => {
    await ok(['apply', '--dry-run=client', '-f', join(manifests, listFile)]);
  });
});
