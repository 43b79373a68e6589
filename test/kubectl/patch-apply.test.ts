// Writing with kubectl against `flotilla serve`, as a user who knows upstream would: client-side
// apply (last-applied annotation, three-way merge, "unchanged", diff, prune), server-side apply
// (managedFields, conflicts with upstream's message, --force-conflicts, removal of fields no
// longer applied), kubectl patch of every type, label/annotate, set, edit with KUBE_EDITOR, and
// replace (--force). No controllers run, so every field manager seen is one kubectl used.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type KubectlResult, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let dir: string;

async function run(
  args: string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<KubectlResult> {
  return server.kubectl(args, { ...opts, timeoutMs: 60_000 });
}

async function ok(
  args: string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const r = await run(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

async function getJson(kindName: string): Promise<any> {
  return JSON.parse(await ok(['get', kindName, '-o', 'json', '--show-managed-fields']));
}

const deployment = (name: string, opts: { replicas?: number; image?: string; env?: object[] } = {}) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${opts.replicas ?? 2}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: web
        image: ${opts.image ?? 'nginx:1'}
        ports: [{containerPort: 80}]
        env: ${JSON.stringify(opts.env ?? [{ name: 'A', value: '1' }])}
`;

const managers = (obj: any) =>
  (obj.metadata.managedFields ?? []).map(
    (e: any) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`,
  );

beforeAll(async () => {
  server = await startServer({ args: ['--controllers', ''] });
  dir = mkdtempSync(join(tmpdir(), 'flotilla-patch-apply-'));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('client-side kubectl apply', () => {
  it('creates, says unchanged, three-way merges and keeps fields set by others', async () => {
    expect(await ok(['apply', '-f', '-'], { input: deployment('csa') })).toBe(
      'deployment.apps/csa created\n',
    );
    expect(await ok(['apply', '-f', '-'], { input: deployment('csa') })).toBe(
      'deployment.apps/csa unchanged\n',
    );
    const created = await getJson('deploy/csa');
    expect(
      JSON.parse(created.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']),
    ).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'csa' },
      spec: { replicas: 2 },
    });
    expect(managers(created)).toEqual(['kubectl-client-side-apply/Update']);

    // Someone else adds an env var; the file then drops A and adds C (upstream keeps OTHER first).
    await ok(['set', 'env', 'deploy/csa', 'OTHER=x']);
    const edited = deployment('csa', { image: 'nginx:2', env: [{ name: 'C', value: '3' }] });
    expect(await ok(['apply', '-f', '-'], { input: edited })).toBe('deployment.apps/csa configured\n');
    const container = (await getJson('deploy/csa')).spec.template.spec.containers[0];
    expect(container.image).toBe('nginx:2');
    expect(container.env).toEqual([
      { name: 'OTHER', value: 'x' },
      { name: 'C', value: '3' },
    ]);
    expect(container.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('diffs against what apply would do, and exits 0 when nothing would change', async () => {
    await ok(['apply', '-f', '-'], { input: deployment('diffed') });
    const same = await run(['diff', '-f', '-'], { input: deployment('diffed') });
    expect(same).toMatchObject({ code: 0, stdout: '' });
    const changed = await run(['diff', '-f', '-'], { input: deployment('diffed', { replicas: 4 }) });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('-  replicas: 2\n+  replicas: 4\n');
    // The client-side apply owns replicas: server-side diff must force, like apply would.
    const serverSide = await run(['diff', '--server-side', '--force-conflicts', '-f', '-'], {
      input: deployment('diffed', { replicas: 4 }),
    });
    expect(serverSide.code).toBe(1);
    expect(serverSide.stdout).toContain('+  replicas: 4\n');
    expect((await getJson('deploy/diffed')).spec.replicas).toBe(2);
  });

  it('prunes objects with the label that are no longer in the files', async () => {
    const cm = (name: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, labels: {set: pruned}}\ndata: {k: v}\n`;
    await ok(['apply', '-f', '-'], { input: `${cm('keep')}---\n${cm('drop')}` });
    const out = await ok(
      ['apply', '--prune', '-l', 'set=pruned', '--prune-allowlist=core/v1/ConfigMap', '-f', '-'],
      { input: cm('keep') },
    );
    expect(out).toBe('configmap/keep unchanged\nconfigmap/drop pruned\n');
    expect((await run(['get', 'cm', 'drop'])).stderr).toContain('configmaps "drop" not found');
  });
});

describe('server-side apply', () => {
  it('creates with an Apply entry in FieldsV1 form and removes fields no longer applied', async () => {
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {${data}}\n`;
    expect(await ok(['apply', '--server-side', '-f', '-'], { input: cm('a: "1", b: "2"') })).toBe(
      'configmap/ssa serverside-applied\n',
    );
    const created = await getJson('cm/ssa');
    expect(created.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      },
    ]);
    await ok(['apply', '--server-side', '-f', '-'], { input: cm('a: "1"') });
    expect((await getJson('cm/ssa')).data).toEqual({ a: '1' });
  });

  it('owns list items by key', async () => {
    await ok(['apply', '--server-side', '-f', '-'], { input: deployment('keyed') });
    const fields = (await getJson('deploy/keyed')).metadata.managedFields[0].fieldsV1;
    expect(fields['f:spec']['f:template']['f:spec']['f:containers']).toEqual({
      'k:{"name":"web"}': {
        '.': {},
        'f:name': {},
        'f:image': {},
        // protocol is a key with a default, as upstream's schema says
        'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
        'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
      },
    });
  });

  it('refuses to take a field another manager set, with upstream message, unless forced', async () => {
    await ok(['apply', '-f', '-'], { input: deployment('conflict') });
    const r = await run(['apply', '--server-side', '-f', '-'], {
      input: deployment('conflict', { replicas: 3 }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas\n',
    );
    expect((await getJson('deploy/conflict')).spec.replicas).toBe(2);

    const raw = await run(['apply', '--server-side', '-f', '-', '-v=0', '-o', 'json'], {
      input: deployment('conflict', { replicas: 3, image: 'nginx:9' }),
    });
    expect(raw.stderr).toContain(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );

    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], {
      input: deployment('conflict', { replicas: 3 }),
    });
    const forced = await getJson('deploy/conflict');
    expect(forced.spec.replicas).toBe(3);
    // kubectl then moves the client-side apply fields to its Apply entry (csaupgrade), as with upstream.
    expect(managers(forced)).toEqual(['kubectl/Apply', 'kubectl-last-applied/Apply']);
    const ssa = forced.metadata.managedFields.find(
      (e: any) => e.manager === 'kubectl' && e.operation === 'Apply',
    );
    expect(ssa.fieldsV1['f:spec']['f:replicas']).toEqual({});
  });

  it('shares a field applied with the same value, and keeps it while the other owner still applies it', async () => {
    const cm = (data: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {${data}}\n`;
    await ok(['apply', '--server-side', '--field-manager', 'one', '-f', '-'], { input: cm('a: "1"') });
    await ok(['apply', '--server-side', '--field-manager', 'two', '-f', '-'], {
      input: cm('a: "1", b: "2"'),
    });
    await ok(['apply', '--server-side', '--field-manager', 'two', '-f', '-'], { input: cm('b: "2"') });
    expect((await getJson('cm/shared')).data).toEqual({ a: '1', b: '2' });
    expect(managers(await getJson('cm/shared'))).toEqual(['one/Apply', 'two/Apply']);
  });
});

describe('kubectl patch, label, annotate, set, edit, replace', () => {
  it('patches with json, merge and strategic patches', async () => {
    await ok(['apply', '-f', '-'], { input: deployment('patched') });
    await ok([
      'patch',
      'deploy/patched',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":4}]',
    ]);
    await ok([
      'patch',
      'deploy/patched',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"tier":"front"}}}',
    ]);
    await ok([
      'patch',
      'deploy/patched',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"2"}]}]}}}}',
    ]);
    const obj = await getJson('deploy/patched');
    expect(obj.spec.replicas).toBe(4);
    expect(obj.metadata.labels).toEqual({ app: 'patched', tier: 'front' });
    expect(obj.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(managers(obj)).toEqual(['kubectl-client-side-apply/Update', 'kubectl-patch/Update']);
    const bad = await run([
      'patch',
      'deploy/patched',
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/nope"}]',
    ]);
    expect(bad.stderr).toContain(
      'remove operation does not apply: doc is missing path: "/nope": missing value',
    );
    // Upstream's documented way to strip managedFields.
    await ok(['patch', 'deploy/patched', '--type', 'merge', '-p', '{"metadata":{"managedFields":[{}]}}']);
    expect((await getJson('deploy/patched')).metadata.managedFields).toBeUndefined();
  });

  it('labels and annotates, refusing to overwrite without --overwrite, removing with key-', async () => {
    await ok(['create', 'configmap', 'tagged']);
    expect(await ok(['label', 'cm/tagged', 'a=1'])).toBe('configmap/tagged labeled\n');
    const refused = await run(['label', 'cm/tagged', 'a=2']);
    expect(refused.stderr).toBe("error: 'a' already has a value (1), and --overwrite is false\n");
    await ok(['label', 'cm/tagged', 'a=2', '--overwrite']);
    await ok(['annotate', 'cm/tagged', 'note=hi']);
    expect((await getJson('cm/tagged')).metadata).toMatchObject({
      labels: { a: '2' },
      annotations: { note: 'hi' },
    });
    expect(await ok(['label', 'cm/tagged', 'a-'])).toBe('configmap/tagged unlabeled\n');
    await ok(['annotate', 'cm/tagged', 'note-']);
    const meta = (await getJson('cm/tagged')).metadata;
    expect(meta.labels).toBeUndefined();
    expect(meta.annotations).toBeUndefined();
  });

  it('sets image, env, resources, serviceaccount and selector', async () => {
    await ok(['apply', '-f', '-'], { input: deployment('setter') });
    expect(await ok(['set', 'image', 'deploy/setter', 'web=nginx:3'])).toBe(
      'deployment.apps/setter image updated\n',
    );
    await ok(['set', 'env', 'deploy/setter', 'A-', 'Z=26']);
    await ok(['set', 'resources', 'deploy/setter', '-c', 'web', '--limits=cpu=200m,memory=64Mi']);
    await ok(['set', 'serviceaccount', 'deploy/setter', 'robot']);
    const spec = (await getJson('deploy/setter')).spec.template.spec;
    expect(spec.serviceAccountName).toBe('robot');
    expect(spec.containers[0]).toMatchObject({
      image: 'nginx:3',
      env: [{ name: 'Z', value: '26' }],
      resources: { limits: { cpu: '200m', memory: '64Mi' } },
    });
    await ok(['create', 'service', 'clusterip', 'selected', '--tcp=80:8080']);
    await ok(['set', 'selector', 'svc/selected', 'app=setter']);
    expect((await getJson('svc/selected')).spec.selector).toEqual({ app: 'setter' });
  });

  it('edits with KUBE_EDITOR and replaces, with and without --force', async () => {
    await ok(['apply', '-f', '-'], { input: deployment('edited') });
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/replicas: 2/replicas: 5/" "$1"\n');
    chmodSync(editor, 0o755);
    expect(await ok(['edit', 'deploy/edited'], { env: { KUBE_EDITOR: editor } })).toBe(
      'deployment.apps/edited edited\n',
    );
    expect((await getJson('deploy/edited')).spec.replicas).toBe(5);

    await ok(['create', 'configmap', 'replaced', '--from-literal=a=1']);
    const cm = await getJson('cm/replaced');
    cm.data = { a: '2' };
    expect(await ok(['replace', '-f', '-'], { input: JSON.stringify(cm) })).toBe(
      'configmap/replaced replaced\n',
    );
    const stale = await run(['replace', '-f', '-'], { input: JSON.stringify(cm) });
    expect(stale.stderr).toContain(
      'the object has been modified; please apply your changes to the latest version and try again',
    );
    const uid = (await getJson('cm/replaced')).metadata.uid;
    expect(
      await ok(['replace', '--force', '-f', '-'], { input: JSON.stringify({ ...cm, data: { a: '3' } }) }),
    ).toBe('configmap "replaced" deleted\nconfigmap/replaced replaced\n');
    const recreated = await getJson('cm/replaced');
    expect(recreated.data).toEqual({ a: '3' });
    expect(recreated.metadata.uid).not.toBe(uid);
  });
});
