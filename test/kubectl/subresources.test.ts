// Subresources as kubectl users reach them: status (spec and status written apart, generation
// only for spec), scale for the three scalable workloads (with --current-replicas), eviction
// through `kubectl drain`, TokenRequest through `kubectl create token`, and the "who am I / may
// I" reviews (`kubectl auth whoami`, `kubectl auth can-i`). Controllers are off so the statuses
// the test writes are the ones read back.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, waitFor, type TestServer } from '../helpers/server.ts';

let server: TestServer;
const ns = 'subres';

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

const jsonpath = async (args: string[], path: string) =>
  (await ok(['get', ...args, '-n', ns, '-o', `jsonpath=${path}`])).trim();

beforeAll(async () => {
  server = await startServer({ args: ['--controllers', ''] });
  await ok(['create', 'namespace', ns]);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('status subresource', () => {
  it('writes status apart from spec; only spec changes bump the generation', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '-n', ns]);
    expect(await jsonpath(['deploy', 'web'], '{.metadata.generation}')).toBe('1');
    // A status write through the main resource is ignored: status belongs to the subresource.
    await ok(['patch', 'deploy', 'web', '-n', ns, '--type=merge', '-p', '{"status":{"replicas":9}}']);
    expect(await jsonpath(['deploy', 'web'], '{.status.replicas}')).toBe('');
    const statusOut = await ok([
      'patch',
      'deploy',
      'web',
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"replicas":2,"observedGeneration":1},"spec":{"replicas":7}}',
    ]);
    expect(statusOut.trim()).toBe('deployment.apps/web patched');
    // ...and a spec write through status is ignored the same way.
    expect(
      await jsonpath(['deploy', 'web'], '{.spec.replicas} {.status.replicas} {.metadata.generation}'),
    ).toBe('2 2 1');
    await ok(['set', 'image', 'deploy/web', 'nginx=nginx:1.28', '-n', ns]);
    expect(await jsonpath(['deploy', 'web'], '{.metadata.generation} {.status.observedGeneration}')).toBe(
      '2 1',
    );
    expect(await ok(['get', 'deploy', 'web', '-n', ns, '--subresource=status', '-o', 'name'])).toBe(
      'deployment.apps/web\n',
    );
  });
});

describe('scale subresource', () => {
  it.each([
    ['deployment', 'deployment.apps', ['create', 'deployment', 'sc-deploy', '--image=nginx', '--replicas=1']],
    ['replicaset', 'replicaset.apps', []],
    ['statefulset', 'statefulset.apps', []],
  ])('kubectl scale %s, with and without --current-replicas', async (kind, printed, createArgs) => {
    const name = `sc-${kind.slice(0, 6)}`;
    if (createArgs.length > 0) await ok([...createArgs, '-n', ns]);
    else {
      const apiVersion = 'apps/v1';
      const Kind = kind === 'replicaset' ? 'ReplicaSet' : 'StatefulSet';
      await ok(
        ['create', '-n', ns, '-f', '-'],
        JSON.stringify({
          apiVersion,
          kind: Kind,
          metadata: { name },
          spec: {
            replicas: 1,
            ...(Kind === 'StatefulSet' ? { serviceName: name } : {}),
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: { containers: [{ name: 'c', image: 'nginx' }] },
            },
          },
        }),
      );
    }
    const target = kind === 'deployment' ? 'sc-deploy' : name;
    expect(await ok(['scale', kind, target, '--replicas=3', '-n', ns])).toBe(`${printed}/${target} scaled\n`);
    expect(await jsonpath([kind, target], '{.spec.replicas} {.metadata.generation}')).toBe('3 2');

    const wrong = await server.kubectl([
      'scale',
      kind,
      target,
      '--replicas=5',
      '--current-replicas=2',
      '-n',
      ns,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('error: Expected replicas to be 2, was 3\n');
    expect(await ok(['scale', kind, target, '--replicas=0', '--current-replicas=3', '-n', ns])).toBe(
      `${printed}/${target} scaled\n`,
    );
    const scale = await ok(['get', kind, target, '-n', ns, '--subresource=scale', '-o', 'json']);
    expect(JSON.parse(scale)).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: target, namespace: ns },
      spec: {},
      status: { replicas: 0, selector: `app=${kind === 'deployment' ? 'sc-deploy' : name}` },
    });

    const missing = await server.kubectl(['scale', kind, 'ghost', '--replicas=1', '-n', ns]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${printed.replace(/^(\w+)/, '$1s')} "ghost" not found`);
  });
});

describe('eviction', () => {
  it('kubectl drain cordons the node and evicts its pods', async () => {
    await ok(
      ['create', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'drain-me' } }),
    );
    await ok(
      ['create', '-n', ns, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'on-node' },
        spec: { nodeName: 'drain-me', containers: [{ name: 'c', image: 'busybox' }] },
      }),
    );
    const out = await server.kubectl(['drain', 'drain-me', '--force', '--grace-period=0', '--timeout=60s']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(
      [
        'node/drain-me cordoned',
        `evicting pod ${ns}/on-node`,
        'pod/on-node evicted',
        'node/drain-me drained',
        '',
      ].join('\n'),
    );
    expect(out.stderr).toContain(`Warning: deleting Pods that declare no controller: ${ns}/on-node`);
    expect(await jsonpath(['node', 'drain-me'], '{.spec.unschedulable}')).toBe('true');
    const gone = await server.kubectl(['get', 'pod', 'on-node', '-n', ns]);
    expect(gone.stderr).toBe('Error from server (NotFound): pods "on-node" not found\n');
  });

  it('an Eviction with a grace period starts a graceful delete; dryRun leaves the pod', async () => {
    await ok(
      ['create', '-n', ns, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'graceful' },
        spec: { nodeName: 'drain-me', containers: [{ name: 'c', image: 'busybox' }] },
      }),
    );
    const evict = (deleteOptions: object) =>
      rawRequest(server, {
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/pods/graceful/eviction`,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: 'graceful', namespace: ns },
          deleteOptions,
        }),
      });
    const dry = await evict({ dryRun: ['All'] });
    expect(dry.status).toBe(201);
    expect(await jsonpath(['pod', 'graceful'], '{.metadata.deletionTimestamp}')).toBe('');
    const real = await evict({ gracePeriodSeconds: 30 });
    expect(real.json).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    expect(await jsonpath(['pod', 'graceful'], '{.metadata.deletionGracePeriodSeconds}')).toBe('30');
    await ok(['delete', 'pod', 'graceful', '-n', ns, '--force', '--grace-period=0']);
  });
});

describe('service account tokens and reviews', () => {
  it('kubectl create token issues a token the server accepts as the service account', async () => {
    await ok(['create', 'serviceaccount', 'robot', '-n', ns]);
    const token = (await ok(['create', 'token', 'robot', '-n', ns, '--duration=1h'])).trim();
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.sub).toBe(`system:serviceaccount:${ns}:robot`);
    expect(claims.exp - claims.iat).toBe(3600);
    const who = await rawRequest(server, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      as: { token },
    });
    expect(who.json.status.userInfo).toMatchObject({
      username: `system:serviceaccount:${ns}:robot`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
    });
    // A token for another audience is not one for this server.
    const other = (await ok(['create', 'token', 'robot', '-n', ns, '--audience=vault'])).trim();
    const refused = await rawRequest(server, { path: '/api/v1/namespaces', as: { token: other } });
    expect(refused.status).toBe(401);
    // Deleting the account revokes its tokens (after the server's short token cache, as upstream).
    await ok(['create', 'serviceaccount', 'temp', '-n', ns]);
    const temp = (await ok(['create', 'token', 'temp', '-n', ns])).trim();
    const whoami = () =>
      rawRequest(server, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        headers: { 'Content-Type': 'application/json' },
        body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
        as: { token: temp },
      });
    expect((await whoami()).status).toBe(201);
    await ok(['delete', 'serviceaccount', 'temp', '-n', ns]);
    await waitFor(
      async () => (await whoami()).status === 401,
      60_000,
      'the deleted account to lose its token',
    );
  });

  it('kubectl create token refuses what upstream refuses', async () => {
    const short = await server.kubectl(['create', 'token', 'robot', '-n', ns, '--duration=1m']);
    expect(short.code).toBe(1);
    expect(short.stderr).toBe(
      'error: failed to create token: TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n',
    );
    const missing = await server.kubectl(['create', 'token', 'nobody', '-n', ns]);
    expect(missing.stderr).toBe('error: failed to create token: serviceaccounts "nobody" not found\n');
  });

  it('kubectl auth whoami and can-i answer for the caller', async () => {
    expect(await ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).toBe('admin');
    expect(await ok(['auth', 'can-i', 'create', 'pods', '-n', ns])).toBe('yes\n');
    expect(await ok(['auth', 'can-i', '*', '*', '--all-namespaces'])).toBe('yes\n');
    const token = (await ok(['create', 'token', 'robot', '-n', ns])).trim();
    const asRobot = [
      '--kubeconfig=/dev/null',
      `--server=${server.url}`,
      `--certificate-authority=${join(server.dataDir, 'pki', 'ca.crt')}`,
      `--token=${token}`,
    ];
    const no = await server.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', ns, ...asRobot]);
    expect(no.code).toBe(1);
    expect(no.stdout).toBe('no\n');
  });
});
