// kubectl v1.32's generators (`kubectl create deployment|secret|service|...`) go through typed
// clients that send `application/vnd.kubernetes.protobuf` and never fall back to JSON. Each one
// here runs twice against a real `flotilla serve`: as protobuf in namespace `pb`, and, from
// `--dry-run=client -o json` of the same command (the JSON kubectl would have sent), as JSON in
// namespace `js`. The two stored objects must be the same, apart from what the server sets per
// object (uid, resourceVersion, timestamps, allocated IPs and ports).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type KubectlResult, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let tlsCert: string;
let tlsKey: string;

beforeAll(async () => {
  server = await startServer();
  // Any matching certificate and key will do for `create secret tls`: use the admin's.
  tlsCert = join(server.dataDir, 'pki', 'admin.crt');
  tlsKey = join(server.dataDir, 'pki', 'admin.key');
  for (const ns of ['pb', 'js']) await ok(['create', 'namespace', ns]);
});

afterAll(async () => {
  await server?.stop();
});

function explain(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}\nserver:\n${server.stderr.slice(-4000)}`;
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(explain(args, r));
  return r.stdout;
}

/** kubectl -v=8 prints each request's headers; this is the Content-Type of the first body it sent. */
function sentContentType(stderr: string): string | undefined {
  return /round_trippers\.go:\d+\]\s+Content-Type: (\S+)/.exec(stderr)?.[1];
}

/** A generator's arguments with flags added before any `--` (after it comes the container command). */
function withFlags(args: string[], ...flags: string[]): string[] {
  const end = args.indexOf('--');
  return end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
}

/** The Content-Type header kubectl -v=8 logged for a request line `METHOD https://...path`. */
function requestContentType(stderr: string, method: string, path: string): string | undefined {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.includes(`] ${method} `) && l.includes(path));
  if (at < 0) return undefined;
  for (const line of lines.slice(at + 1, at + 10)) {
    const m = /\]\s+Content-Type: (\S+)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

type Json = Record<string, any>;

/** Drop what the server sets per object, so a protobuf twin and a JSON twin compare equal. */
function comparable(obj: Json, names: [string, string] = ['', '']): Json {
  const copy: Json = JSON.parse(
    (names[0] ? JSON.stringify(obj).replaceAll(names[0], names[1]) : JSON.stringify(obj))
      // Admission names the service account volume with a random suffix, per pod.
      .replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-xxxxx'),
  );
  const meta = copy.metadata ?? {};
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'namespace', 'managedFields', 'selfLink'])
    delete meta[k];
  delete copy.status;
  const spec = copy.spec ?? {};
  // Allocated per Service.
  delete spec.clusterIP;
  delete spec.clusterIPs;
  for (const p of spec.ports ?? []) delete p.nodePort;
  delete spec.healthCheckNodePort;
  // Jobs select their pods by their own uid.
  const uidLabels = ['controller-uid', 'batch.kubernetes.io/controller-uid'];
  for (const labels of [meta.labels, spec.selector?.matchLabels, spec.template?.metadata?.labels])
    for (const k of uidLabels) if (labels) delete labels[k];
  return copy;
}

interface Generator {
  title: string;
  /** The command after `kubectl`, creating an object called `name`. */
  args: (name: string) => string[];
  /** `kubectl get` resource. */
  resource: string;
  /** kubectl sends this one as JSON (it goes through the dynamic helper, not a typed client). */
  json?: boolean;
  clusterScoped?: boolean;
}

const generators: Generator[] = [
  {
    title: 'create deployment',
    args: (n) => ['create', 'deployment', n, '--image=nginx', '--replicas=3', '--port=80'],
    resource: 'deployments.apps',
  },
  {
    title: 'create configmap',
    args: (n) => ['create', 'configmap', n, '--from-literal=greeting=hello', '--from-literal=empty='],
    resource: 'configmaps',
  },
  {
    title: 'create secret generic',
    args: (n) => ['create', 'secret', 'generic', n, '--from-literal=password=s3cr3t', '--type=Opaque'],
    resource: 'secrets',
  },
  {
    title: 'create secret tls',
    args: (n) => ['create', 'secret', 'tls', n, `--cert=${tlsCert}`, `--key=${tlsKey}`],
    resource: 'secrets',
  },
  {
    title: 'create secret docker-registry',
    args: (n) => [
      'create',
      'secret',
      'docker-registry',
      n,
      '--docker-server=registry.example',
      '--docker-username=user',
      '--docker-password=pass',
      '--docker-email=user@example.com',
    ],
    resource: 'secrets',
  },
  {
    title: 'create namespace',
    args: (n) => ['create', 'namespace', n],
    resource: 'namespaces',
    clusterScoped: true,
  },
  {
    title: 'create job',
    args: (n) => ['create', 'job', n, '--image=busybox', '--', 'echo', 'hello'],
    resource: 'jobs.batch',
  },
  {
    title: 'create cronjob',
    args: (n) => [
      'create',
      'cronjob',
      n,
      '--image=busybox',
      '--schedule=*/5 * * * *',
      '--restart=OnFailure',
      '--',
      'date',
    ],
    resource: 'cronjobs.batch',
  },
  {
    title: 'create service clusterip',
    args: (n) => ['create', 'service', 'clusterip', n, '--tcp=80:8080', '--tcp=443:web'],
    resource: 'services',
  },
  {
    title: 'create service nodeport',
    args: (n) => ['create', 'service', 'nodeport', n, '--tcp=80:8080'],
    resource: 'services',
  },
  {
    title: 'create service loadbalancer',
    args: (n) => ['create', 'service', 'loadbalancer', n, '--tcp=80:8080'],
    resource: 'services',
  },
  {
    title: 'create ingress',
    args: (n) => [
      'create',
      'ingress',
      n,
      '--rule=foo.example/bar*=svc1:8080',
      '--rule=tls.example/=svc2:http,tls=my-cert',
      '--annotation=team=web',
    ],
    resource: 'ingresses.networking.k8s.io',
  },
  {
    title: 'create serviceaccount',
    args: (n) => ['create', 'serviceaccount', n],
    resource: 'serviceaccounts',
  },
  {
    title: 'create quota',
    args: (n) => [
      'create',
      'quota',
      n,
      '--hard=cpu=1,memory=1G,pods=2,services.nodeports=0',
      '--scopes=NotBestEffort',
    ],
    resource: 'resourcequotas',
  },
  {
    title: 'create priorityclass',
    args: (n) => [
      'create',
      'priorityclass',
      n,
      '--value=1000',
      '--description=batch',
      '--preemption-policy=Never',
    ],
    resource: 'priorityclasses.scheduling.k8s.io',
    clusterScoped: true,
  },
  {
    title: 'run',
    args: (n) => [
      'run',
      n,
      '--image=nginx',
      '--env=A=1',
      '--env=B=',
      '--labels=app=web,tier=front',
      '--port=80',
    ],
    resource: 'pods',
    json: true,
  },
];

describe('kubectl generators send protobuf and the server stores what JSON would have stored', () => {
  for (const g of generators) {
    it(g.title, async () => {
      const name = `gen-${g.title.replace(/[^a-z]+/g, '-')}`;
      const [pbName, jsName] = g.clusterScoped ? [`pb-${name}`, `js-${name}`] : [name, name];
      const scope = (ns: string) => (g.clusterScoped ? [] : ['-n', ns]);

      const pbArgs = withFlags(g.args(pbName), ...scope('pb'), '-v=8');
      const sent = await server.kubectl(pbArgs);
      if (sent.code !== 0) throw new Error(explain(pbArgs, sent));
      expect(sentContentType(sent.stderr)).toBe(
        g.json ? 'application/json' : 'application/vnd.kubernetes.protobuf',
      );

      const wouldSend = await ok(withFlags(g.args(jsName), ...scope('js'), '--dry-run=client', '-o', 'json'));
      await ok(['create', '-f', '-', ...scope('js')], wouldSend);

      const viaProtobuf: Json = JSON.parse(
        await ok(['get', g.resource, pbName, ...scope('pb'), '-o', 'json']),
      );
      const viaJson: Json = JSON.parse(await ok(['get', g.resource, jsName, ...scope('js'), '-o', 'json']));
      expect(comparable(viaProtobuf, g.clusterScoped ? [pbName, 'NAME'] : undefined)).toEqual(
        comparable(viaJson, g.clusterScoped ? [jsName, 'NAME'] : undefined),
      );
    });
  }

  it('drain --disable-eviction deletes with a protobuf DeleteOptions whose gracePeriodSeconds: 0 counts', async () => {
    await ok(
      ['create', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'drained' } }),
    );
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'on-drained', namespace: 'pb' },
      spec: { nodeName: 'drained', containers: [{ name: 'c', image: 'busybox' }] },
    };
    await ok(['create', '-f', '-'], JSON.stringify(pod));
    // A pod on a node is deleted gracefully (30s by default); only a decoded gracePeriodSeconds
    // of 0, a pointer field that must survive being zero, removes it at once.
    const args = [
      'drain',
      'drained',
      '--disable-eviction',
      '--force',
      '--grace-period=0',
      '--timeout=60s',
      '-v=8',
    ];
    const r = await server.kubectl(args);
    if (r.code !== 0) throw new Error(explain(args, r));
    expect(requestContentType(r.stderr, 'DELETE', '/pods/on-drained')).toBe(
      'application/vnd.kubernetes.protobuf',
    );
    const gone = await server.kubectl(['get', 'pod', 'on-drained', '-n', 'pb']);
    expect(gone.stderr).toMatch(/NotFound|not found/);
  });

  it('create token reaches the serviceaccounts/token subresource as protobuf', async () => {
    await ok(['create', 'serviceaccount', 'robot', '-n', 'pb']);
    const args = [
      'create',
      'token',
      'robot',
      '-n',
      'pb',
      '--duration=1h',
      '--audience=https://example',
      '-v=8',
    ];
    const r = await server.kubectl(args);
    expect(sentContentType(r.stderr)).toBe('application/vnd.kubernetes.protobuf');
    // The body decodes; whether a token comes back is up to the token subresource, which the
    // server may not serve yet (then kubectl reports 405, never 415 or a decoding error).
    expect(r.stderr).not.toMatch(/Response Status: 415|could not be decoded/);
    if (r.code === 0) expect(r.stdout.trim().split('.')).toHaveLength(3);
    else expect(r.stderr).toMatch(/Response Status: (404|405)/);
  });
});
