// Apply benchmark (npm run bench -- apply): `kubectl apply -f` of one file holding 500 objects
// (ConfigMaps, Secrets, Services and Deployments, as a real app's manifests mix them), client-side
// and server-side, against the raw create path measured in the same run: the same 500 objects
// POSTed one after another on one keep-alive HTTPS connection (kubectl also writes one object at
// a time). Each variant gets its own namespace on the same `flotilla serve`. Also: re-applying the
// unchanged file (kubectl's GET + diff per object, no writes) and kubectl's fixed start-up cost
// (a one-object apply), so the per-object overhead can be read off.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startServer, type TestServer } from '../test/helpers/server.ts';

const COUNT = 500;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The i-th object of the set: a rotating mix of kinds, each about as big as a real one. */
function object(i: number): Record<string, any> {
  const name = `obj-${String(i).padStart(3, '0')}`;
  const labels = { app: 'bench', part: `p${i % 7}` };
  switch (i % 4) {
    case 0:
      return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, labels },
        data: { 'app.properties': 'mode=production\nlog.level=info\n'.repeat(8), flags: 'a=1,b=2' },
      };
    case 1:
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, labels },
        type: 'Opaque',
        data: { password: Buffer.from(`secret-${i}`).toString('base64') },
      };
    case 2:
      return {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      };
    default:
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels },
        spec: {
          replicas: 0,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'nginx:1.27',
                  ports: [{ containerPort: 8080 }],
                  resources: { requests: { cpu: '10m', memory: '16Mi' } },
                },
              ],
            },
          },
        },
      };
  }
}

const collection: Record<string, string> = {
  ConfigMap: '/api/v1/namespaces/NS/configmaps',
  Secret: '/api/v1/namespaces/NS/secrets',
  Service: '/api/v1/namespaces/NS/services',
  Deployment: '/apis/apps/v1/namespaces/NS/deployments',
};

function kubectl(server: TestServer, args: string[]): { ms: number; ok: boolean; stderr: string } {
  const started = performance.now();
  const r = spawnSync('kubectl', args, {
    env: { ...process.env, KUBECONFIG: server.kubeconfig },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ms: performance.now() - started, ok: r.status === 0, stderr: (r.stderr ?? '').slice(0, 400) };
}

/** POST every object in order on one keep-alive connection, as the raw create path. */
async function rawCreates(server: TestServer, ns: string, objects: Record<string, any>[]): Promise<number> {
  const pki = join(server.dataDir, 'pki');
  const tls = {
    ca: readFileSync(join(pki, 'ca.crt')),
    cert: readFileSync(join(pki, 'admin.crt')),
    key: readFileSync(join(pki, 'admin.key')),
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(server.url);
  const post = (path: string, body: string) =>
    new Promise<void>((done, fail) => {
      const req = request(
        {
          hostname: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          agent,
          ...tls,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 201 ? done() : fail(new Error(`${path}: ${res.statusCode}`)),
          );
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  const started = performance.now();
  for (const o of objects) await post(collection[o.kind]!.replace('NS', ns), JSON.stringify(o));
  const ms = performance.now() - started;
  agent.destroy();
  return ms;
}

export default async function bench() {
  const work = mkdtempSync(join(tmpdir(), 'flotilla-bench-apply-'));
  // No controllers: the benchmark is about the API path, not Deployments rolling out.
  const server = await startServer({ args: ['--controllers', ''] });
  try {
    const objects = Array.from({ length: COUNT }, (_, i) => object(i));
    const file = join(work, 'objects.yaml');
    writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    const one = join(work, 'one.yaml');
    writeFileSync(one, stringify(objects[0]));
    for (const ns of ['raw', 'csa', 'ssa', 'startup'])
      if (!kubectl(server, ['create', 'namespace', ns]).ok) throw new Error(`create namespace ${ns}`);

    const rawMs = await rawCreates(server, 'raw', objects);
    const startup = kubectl(server, ['apply', '-n', 'startup', '-f', one]);
    const clientSide = kubectl(server, ['apply', '-n', 'csa', '-f', file]);
    const clientSideAgain = kubectl(server, ['apply', '-n', 'csa', '-f', file]);
    const serverSide = kubectl(server, ['apply', '--server-side', '-n', 'ssa', '-f', file]);
    const serverSideAgain = serverSide.ok
      ? kubectl(server, ['apply', '--server-side', '-n', 'ssa', '-f', file])
      : undefined;

    const perObject = (ms: number) => round(ms / COUNT, 3);
    const variant = (r: { ms: number; ok: boolean; stderr: string } | undefined) =>
      r === undefined
        ? { skipped: true }
        : r.ok
          ? { ms: round(r.ms), msPerObject: perObject(r.ms), ratioToRaw: round(r.ms / rawMs) }
          : { failed: r.stderr };
    const results = {
      objects: COUNT,
      raw: { ms: round(rawMs), msPerObject: perObject(rawMs) },
      kubectlStartupMs: round(startup.ms),
      clientSide: variant(clientSide),
      clientSideUnchanged: variant(clientSideAgain),
      serverSide: variant(serverSide),
      serverSideUnchanged: variant(serverSideAgain),
    };
    const show = (label: string, r: { ms: number; ok: boolean } | undefined) =>
      !r ? `${label} skipped` : r.ok ? `${label} ${round(r.ms / rawMs)}x` : `${label} failed`;
    const summary =
      `${COUNT} objects: raw creates ${Math.round(rawMs)} ms; kubectl apply ` +
      [
        show('client-side', clientSide),
        show('re-apply', clientSideAgain),
        show('server-side', serverSide),
        show('server-side re-apply', serverSideAgain),
      ].join(', ') +
      ` of raw (kubectl start-up ${Math.round(startup.ms)} ms)`;
    return { summary, ...results };
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
