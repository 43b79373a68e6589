// The real kubectl v1.32 against `flotilla serve`: what a user types on day one works and prints
// what upstream prints.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${server.stderr}`);
  return r.stdout;
}

const configMap = (name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data: { greeting: 'hello' },
  });

const deployment = (replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe('kubectl against flotilla serve', () => {
  it('prints the server version', async () => {
    const out = await ok(['version', '-o', 'json']);
    const v = JSON.parse(out);
    expect(v.serverVersion).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0-flotilla' });
  });

  it('lists API resources with short names, kinds and verbs', async () => {
    const out = await ok(['api-resources', '-o', 'wide']);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s+VERBS\s+CATEGORIES$/);
    const row = (name: string, apiVersion: string) =>
      lines.find((l) => l.split(/\s+/)[0] === name && l.includes(` ${apiVersion} `));
    expect(row('pods', 'v1')).toMatch(
      /^pods\s+po\s+v1\s+true\s+Pod\s+create,delete,deletecollection,get,list,patch,update,watch\s+all$/,
    );
    expect(row('deployments', 'apps/v1')).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment\s+/);
    expect(row('namespaces', 'v1')).toMatch(
      /^namespaces\s+ns\s+v1\s+false\s+Namespace\s+create,delete,get,list,patch,update,watch/,
    );
    expect(row('selfsubjectreviews', 'authentication.k8s.io/v1')).toMatch(
      /\s+false\s+SelfSubjectReview\s+create/,
    );
    const names = await ok(['api-resources', '-o', 'name']);
    expect(names.split('\n')).toEqual(
      expect.arrayContaining(['configmaps', 'deployments.apps', 'leases.coordination.k8s.io']),
    );
  });

  it('lists API versions', async () => {
    const out = await ok(['api-versions']);
    expect(out.trim().split('\n')).toEqual(
      expect.arrayContaining([
        'v1',
        'apps/v1',
        'batch/v1',
        'authentication.k8s.io/v1',
        'coordination.k8s.io/v1',
      ]),
    );
  });

  it('says who I am', async () => {
    const out = await ok(['auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(out).status.userInfo).toEqual({
      username: 'admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('creates, applies, reads, labels, annotates, describes and deletes', async () => {
    expect(await ok(['create', '-f', '-'], configMap('settings', { app: 'web' }))).toBe(
      'configmap/settings created\n',
    );
    expect(await ok(['apply', '-f', '-'], configMap('applied', { app: 'other' }))).toBe(
      'configmap/applied created\n',
    );
    expect(await ok(['apply', '-f', '-'], deployment(2))).toBe('deployment.apps/web created\n');
    expect(await ok(['apply', '-f', '-'], deployment(2))).toBe('deployment.apps/web unchanged\n');
    expect(await ok(['apply', '-f', '-'], deployment(3))).toBe('deployment.apps/web configured\n');

    const asYaml = parseYaml(await ok(['get', 'deployment', 'web', '-o', 'yaml']));
    expect(asYaml).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    });
    expect(asYaml.spec.replicas).toBe(3);
    expect(asYaml.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

    const asJson = JSON.parse(await ok(['get', 'configmap', 'settings', '-o', 'json']));
    expect(asJson.data).toEqual({ greeting: 'hello' });

    const table = await ok(['get', 'configmaps']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+DATA\s+AGE$/);
    expect(table).toMatch(/^settings\s+1\s+\d+s$/m);

    expect(await ok(['get', 'cm', '-l', 'app=web', '-o', 'name'])).toBe('configmap/settings\n');
    expect(await ok(['get', 'cm', '--field-selector', 'metadata.name=applied', '-o', 'name'])).toBe(
      'configmap/applied\n',
    );
    expect(await ok(['get', 'cm', '-l', 'app=nothing'])).toBe('');

    expect(await ok(['label', 'cm', 'settings', 'tier=backend'])).toBe('configmap/settings labeled\n');
    expect(await ok(['annotate', 'cm', 'settings', 'owner=team-a'])).toBe('configmap/settings annotated\n');
    const labelled = JSON.parse(await ok(['get', 'cm', 'settings', '-o', 'json']));
    expect(labelled.metadata.labels).toEqual({ app: 'web', tier: 'backend' });
    expect(labelled.metadata.annotations).toEqual({ owner: 'team-a' });
    expect(await ok(['get', 'cm', 'settings', '--show-labels'])).toMatch(/app=web,tier=backend/);

    const described = await ok(['describe', 'configmap', 'settings']);
    expect(described).toMatch(/^Name:\s+settings$/m);
    expect(described).toMatch(/^Namespace:\s+default$/m);
    expect(described).toMatch(/^Labels:\s+app=web$/m);
    expect(described).toMatch(/greeting:\n-+\nhello/);

    expect(await ok(['delete', 'configmap', 'settings'])).toBe('configmap "settings" deleted\n');
    const gone = await server.kubectl(['get', 'configmap', 'settings']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Error from server (NotFound): configmaps "settings" not found');
    expect(await ok(['delete', '-f', '-'], deployment(3))).toBe('deployment.apps "web" deleted\n');
  });

  it('runs the imperative commands, whose typed clients send protobuf', async () => {
    expect(await ok(['create', 'namespace', 'imperative'])).toBe('namespace/imperative created\n');
    expect(await ok(['create', 'configmap', 'literal', '-n', 'imperative', '--from-literal=a=b'])).toBe(
      'configmap/literal created\n',
    );
    expect(
      await ok(['create', 'deployment', 'hello', '-n', 'imperative', '--image=nginx', '--replicas=0']),
    ).toBe('deployment.apps/hello created\n');
    const d = JSON.parse(await ok(['get', 'deployment', 'hello', '-n', 'imperative', '-o', 'json']));
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx' });
    const cm = JSON.parse(await ok(['get', 'configmap', 'literal', '-n', 'imperative', '-o', 'json']));
    expect(cm.data).toEqual({ a: 'b' });
  });

  it('shows what already exists and what is invalid the way upstream words it', async () => {
    await ok(['create', '-f', '-'], configMap('twice'));
    const again = await server.kubectl(['create', '-f', '-'], { input: configMap('twice') });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists)');
    expect(again.stderr).toContain('configmaps "twice" already exists');
  });

  it('streams changes with get --watch', async () => {
    await ok(['create', '-f', '-'], configMap('watched'));
    const child = spawn('kubectl', ['get', 'configmaps', '--watch', '--output-watch-events'], {
      env: { ...process.env, KUBECONFIG: server.kubeconfig },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    try {
      await waitFor(() => /watched/.test(out), 60_000, 'the initial list');
      await ok(['label', 'cm', 'watched', 'seen=yes']);
      await ok(['delete', 'cm', 'watched']);
      await waitFor(() => /DELETED\s+watched/.test(out), 60_000, `a DELETED event in:\n${out}`);
      const lines = out.trim().split('\n');
      expect(lines[0]).toMatch(/^EVENT\s+NAME\s+DATA\s+AGE$/);
      expect(lines.filter((l) => /watched/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual([
        'ADDED',
        'MODIFIED',
        'DELETED',
      ]);
    } finally {
      child.kill();
    }
  });

  it('explains a kind from the OpenAPI documents', async () => {
    const out = await ok(['explain', 'deployments']);
    expect(out).toMatch(/^GROUP:\s+apps$/m);
    expect(out).toMatch(/^KIND:\s+Deployment$/m);
    expect(out).toMatch(/^VERSION:\s+v1$/m);
    expect(out).toContain('metadata');
  });
});
