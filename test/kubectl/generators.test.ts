// Imperative kubectl: every `kubectl create` generator we serve a kind for, `kubectl run`,
// `kubectl expose`, the rollout commands against the controllers `flotilla serve` runs, and the
// cluster-level commands (cluster-info, version). Each prints what upstream prints; each object
// is checked for what the generator put in it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let work: string;
const ns = 'gen';

async function ok(args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

const get = async (what: string) => JSON.parse(await ok(['get', what, '-n', ns, '-o', 'json']));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flotilla-gen-'));
  server = await startServer();
  await ok(['create', 'namespace', ns]);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A self-signed certificate for `create secret tls`, as a user would make it with openssl. */
function tlsFiles(): { cert: string; key: string } {
  const paths = { cert: join(work, 'tls.crt'), key: join(work, 'tls.key') };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      paths.key,
      '-out',
      paths.cert,
      '-subj',
      '/CN=shop.example.com',
      '-days',
      '1',
    ],
    { stdio: 'ignore' },
  );
  return paths;
}

describe('kubectl create generators', () => {
  it.each([
    [['deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80'], 'deployment.apps/web created'],
    [['service', 'clusterip', 'web-ip', '--tcp=80:8080'], 'service/web-ip created'],
    [['service', 'nodeport', 'web-np', '--tcp=80:8080'], 'service/web-np created'],
    [['service', 'loadbalancer', 'web-lb', '--tcp=80'], 'service/web-lb created'],
    [['service', 'externalname', 'web-ext', '--external-name=web.example.com'], 'service/web-ext created'],
    [
      ['configmap', 'settings', '--from-literal=mode=fast', '--from-literal=level=3'],
      'configmap/settings created',
    ],
    [['secret', 'generic', 'creds', '--from-literal=user=admin'], 'secret/creds created'],
    [
      [
        'secret',
        'docker-registry',
        'pull',
        '--docker-server=registry.example.com',
        '--docker-username=u',
        '--docker-password=p',
      ],
      'secret/pull created',
    ],
    [['job', 'once', '--image=busybox', '--', 'echo', 'hi'], 'job.batch/once created'],
    [
      ['cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'],
      'cronjob.batch/tick created',
    ],
    [
      ['ingress', 'front', '--class=nginx', '--rule=shop.example.com/=web-ip:80'],
      'ingress.networking.k8s.io/front created',
    ],
    [['quota', 'small', '--hard=pods=10,services=20'], 'resourcequota/small created'],
    [['serviceaccount', 'builder'], 'serviceaccount/builder created'],
  ])('create %j', async (args, printed) => {
    // -n goes first: whatever follows `--` is the container's command.
    expect(await ok(['create', '-n', ns, ...args])).toBe(`${printed}\n`);
  });

  it('the generated objects hold what the flags said', async () => {
    const web = await get('deployment/web');
    expect(web.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    });
    expect((await get('service/web-np')).spec).toMatchObject({
      type: 'NodePort',
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
    expect((await get('service/web-np')).spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect((await get('service/web-ext')).spec).toMatchObject({
      type: 'ExternalName',
      externalName: 'web.example.com',
    });
    expect((await get('configmap/settings')).data).toEqual({ mode: 'fast', level: '3' });
    expect((await get('secret/creds')).data).toEqual({ user: Buffer.from('admin').toString('base64') });
    const pull = await get('secret/pull');
    expect(pull.type).toBe('kubernetes.io/dockerconfigjson');
    expect(JSON.parse(Buffer.from(pull.data['.dockerconfigjson'], 'base64').toString()).auths).toHaveProperty(
      'registry.example.com',
    );
    expect((await get('cronjob/tick')).spec.schedule).toBe('*/5 * * * *');
    expect((await get('ingress/front')).spec).toMatchObject({
      ingressClassName: 'nginx',
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Exact' }] } }],
    });
    expect((await get('resourcequota/small')).spec.hard).toEqual({ pods: '10', services: '20' });
  });

  it('create secret tls, create job --from=cronjob, and --dry-run=server', async () => {
    const tls = tlsFiles();
    expect(
      await ok(['create', 'secret', 'tls', 'cert', `--cert=${tls.cert}`, `--key=${tls.key}`, '-n', ns]),
    ).toBe('secret/cert created\n');
    expect((await get('secret/cert')).type).toBe('kubernetes.io/tls');
    expect(await ok(['create', 'job', 'manual', '--from=cronjob/tick', '-n', ns])).toBe(
      'job.batch/manual created\n',
    );
    const manual = await get('job/manual');
    expect(manual.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(manual.metadata.ownerReferences[0]).toMatchObject({
      kind: 'CronJob',
      name: 'tick',
      controller: true,
    });
    expect(await ok(['create', 'deployment', 'dry', '--image=nginx', '--dry-run=server', '-n', ns])).toBe(
      'deployment.apps/dry created (server dry run)\n',
    );
    expect((await server.kubectl(['get', 'deployment', 'dry', '-n', ns])).code).toBe(1);
    const dup = await server.kubectl(['create', 'configmap', 'settings', '-n', ns]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('error: failed to create configmap: configmaps "settings" already exists\n');
  });

  it('kubectl run and kubectl expose', async () => {
    expect(await ok(['run', 'shell', '--image=busybox', '--labels=app=shell', '--port=8080', '-n', ns])).toBe(
      'pod/shell created\n',
    );
    expect((await get('pod/shell')).spec.containers[0]).toMatchObject({ name: 'shell', image: 'busybox' });
    expect(await ok(['expose', 'pod', 'shell', '--port=80', '--target-port=8080', '-n', ns])).toBe(
      'service/shell exposed\n',
    );
    expect(await ok(['expose', 'deployment', 'web', '--port=8080', '--name=web-exposed', '-n', ns])).toBe(
      'service/web-exposed exposed\n',
    );
    const svc = await get('service/web-exposed');
    expect(svc.spec).toMatchObject({ selector: { app: 'web' }, ports: [{ port: 8080 }] });
    expect(svc.spec.clusterIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
  });
});

describe('kubectl rollout', () => {
  it('history, restart, pause/resume, undo and status against the deployment controller', async () => {
    await ok(['create', 'deployment', 'roll', '--image=nginx:1.26', '--replicas=0', '-n', ns]);
    expect(await ok(['rollout', 'status', 'deployment/roll', '-n', ns, '--timeout=60s'])).toBe(
      'deployment "roll" successfully rolled out\n',
    );
    await ok(['set', 'image', 'deployment/roll', 'nginx=nginx:1.27', '-n', ns]);
    // The controller records each template as a numbered ReplicaSet revision.
    await waitFor(
      async () => (await ok(['rollout', 'history', 'deployment/roll', '-n', ns])).includes('\n2 '),
      60_000,
      'revision 2',
    );
    expect(await ok(['rollout', 'history', 'deployment/roll', '-n', ns])).toBe(
      'deployment.apps/roll \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n',
    );
    const rev1 = await ok(['rollout', 'history', 'deployment/roll', '-n', ns, '--revision=1']);
    expect(rev1).toContain('Image:\tnginx:1.26');

    expect(await ok(['rollout', 'pause', 'deployment/roll', '-n', ns])).toBe('deployment.apps/roll paused\n');
    const again = await server.kubectl(['rollout', 'pause', 'deployment/roll', '-n', ns]);
    expect(again.stderr).toBe('error: deployments.apps "roll" is already paused\n');
    expect(await ok(['rollout', 'resume', 'deployment/roll', '-n', ns])).toBe(
      'deployment.apps/roll resumed\n',
    );

    expect(await ok(['rollout', 'undo', 'deployment/roll', '-n', ns])).toBe(
      'deployment.apps/roll rolled back\n',
    );
    expect((await get('deployment/roll')).spec.template.spec.containers[0].image).toBe('nginx:1.26');

    expect(await ok(['rollout', 'restart', 'deployment/roll', '-n', ns])).toBe(
      'deployment.apps/roll restarted\n',
    );
    expect((await get('deployment/roll')).spec.template.metadata.annotations).toHaveProperty(
      'kubectl.kubernetes.io/restartedAt',
    );
    expect(await ok(['rollout', 'status', 'deployment/roll', '-n', ns, '--timeout=60s'])).toMatch(
      /deployment "roll" successfully rolled out\n$/,
    );
  });
});

describe('cluster commands', () => {
  it('cluster-info and version', async () => {
    expect(await ok(['cluster-info'])).toBe(
      `Kubernetes control plane is running at ${server.url}\n` +
        // kube-dns carries kubernetes.io/cluster-service=true, as kubeadm's does.
        `KubeDNS is running at ${server.url}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n` +
        `\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`,
    );
    const version = JSON.parse(await ok(['version', '-o', 'json']));
    expect(version.serverVersion).toMatchObject({ major: '1', minor: '32', platform: expect.any(String) });
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.32\.\d+/);
  });
});
