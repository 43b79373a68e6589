// Hot reads benchmark (npm run bench -- hot-reads): CPU the API server spends on its own reads
// on the paths a burst of pod starts takes for every pod, with the watch caches (the default)
// and without them (every read asks the store, as before they existed), in the same run:
//  - node authorization of a kubelet's GET of ConfigMap kube-root-ca.crt, its TokenRequest and
//    its pod status PATCH, with 50, 500 and 2,000 pods in the namespace (half on the asking node);
//  - admission on creates of Events and Pods, in a namespace without and with a ResourceQuota
//    and a LimitRange;
//  - signing a ServiceAccount token, against deriving the key id per token as before.
// CPU time comes from process.cpuUsage() around sequential calls on the SQLite store; variants
// alternate over several rounds and the medians are reported.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceAccountTokenIssuer } from '../control-plane/auth/service-account-token.ts';
import { admissionPlugins } from '../control-plane/apiserver/admission/index.ts';
import { createAuthorizer, type Authorizer } from '../control-plane/apiserver/authz.ts';
import { createRegistries, ensureDefaultNamespaces } from '../control-plane/apiserver/registry/index.ts';
import type { RequestContext } from '../control-plane/apiserver/registry/types.ts';
import { parseRequestInfo } from '../control-plane/apiserver/router.ts';
import { openSqliteBackend } from '../control-plane/storage/index.ts';
import { benchPod } from './bench-pod.ts';

const ROUNDS = 5;
const AUTHZ_CALLS = 200;
const CREATES = 200;
const TOKENS = 1000;
const POD_COUNTS = [50, 500, 2000];

const ctx: RequestContext = { user: { username: 'bench', groups: ['system:masters'] }, warnings: [] };
const node = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU microseconds per call of `op`, called `n` times one after another. */
async function cpuPerCall(n: number, op: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await op(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

/** Alternates the variants for ROUNDS rounds; the median CPU µs per call of each. */
async function compare(
  variants: Record<string, (round: number) => Promise<number>>,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, run] of Object.entries(variants)) (samples[name] ??= []).push(await run(r));
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, round(median(v))]));
}

async function nodeAuthorization(storePath: string) {
  const backend = await openSqliteBackend({ path: storePath, compactIntervalMs: 0 });
  try {
    const registries = createRegistries(backend, { admission: admissionPlugins() });
    await ensureDefaultNamespaces(registries);
    const pods = registries.get('/v1/pods')!;
    const authorizers: Record<string, Authorizer> = {
      store: createAuthorizer(registries, { watchCache: false }),
      index: createAuthorizer(registries),
    };
    const requests = [
      parseRequestInfo('GET', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt', null),
      parseRequestInfo('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', null),
      parseRequestInfo('PATCH', '/api/v1/namespaces/default/pods/pod-0/status', null),
    ];
    const out = [];
    let created = 0;
    for (const count of POD_COUNTS) {
      // Bound at creation, like the pods of a running cluster; ServiceAccount admission gives
      // each the projected token volume with kube-root-ca.crt, as a real pod has.
      for (; created < count; created++) {
        const pod = benchPod(`pod-${created}`, created);
        pod.spec!.nodeName = created % 2 === 0 ? 'n1' : 'n2';
        await pods.create(ctx, 'default', pod);
      }
      // Let the index list and catch up before measuring (it starts on first use).
      for (let i = 0; i < 20; i++) {
        await authorizers.index!(node, requests[i % requests.length]!);
        await sleep(20);
      }
      for (const [name, authorize] of Object.entries(authorizers))
        for (const r of requests)
          if (!(await authorize(node, r))) throw new Error(`${name} refused ${JSON.stringify(r)}`);
      const cpu = await compare(
        Object.fromEntries(
          Object.entries(authorizers).map(([name, authorize]) => [
            name,
            () => cpuPerCall(AUTHZ_CALLS, (i) => authorize(node, requests[i % requests.length]!)),
          ]),
        ),
      );
      out.push({ pods: count, cpuMicrosPerCheck: cpu, ratio: round(cpu.store! / cpu.index!, 2) });
    }
    return out;
  } finally {
    await backend.close();
  }
}

async function admission(storePath: string) {
  const backend = await openSqliteBackend({ path: storePath, compactIntervalMs: 0 });
  try {
    const variants = {
      store: createRegistries(backend, { admission: admissionPlugins({ watchCache: false }) }),
      cache: createRegistries(backend, { admission: admissionPlugins() }),
    };
    await ensureDefaultNamespaces(variants.cache);
    const admin = variants.cache;
    await admin.get('/v1/namespaces')!.create(ctx, '', { metadata: { name: 'limited' } });
    await admin.get('/v1/resourcequotas')!.create(ctx, 'limited', {
      metadata: { name: 'q' },
      spec: { hard: { pods: '1000000', 'requests.cpu': '100000', 'count/events': '1000000' } },
    });
    await admin.get('/v1/limitranges')!.create(ctx, 'limited', {
      metadata: { name: 'limits' },
      spec: { limits: [{ type: 'Container', max: { cpu: '4' }, defaultRequest: { cpu: '100m' } }] },
    });
    const event = (name: string, namespace: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name },
      involvedObject: { kind: 'Pod', namespace, name: 'web' },
      reason: 'Pulled',
      message: 'Container image already present on machine',
      type: 'Normal',
      source: { component: 'kubelet', host: 'n1' },
      count: 1,
    });
    let n = 0;
    // Warm up both (the caches start on first use).
    for (const registries of Object.values(variants))
      for (const ns of ['default', 'limited']) {
        await registries.get('/v1/events')!.create(ctx, ns, event(`warm-${n++}`, ns));
        await sleep(100);
      }
    const out: Record<string, unknown> = {};
    for (const ns of ['default', 'limited']) {
      const perKind = {
        events: (registries: typeof admin) => () =>
          cpuPerCall(CREATES, () => registries.get('/v1/events')!.create(ctx, ns, event(`e-${n++}`, ns))),
        pods: (registries: typeof admin) => () =>
          cpuPerCall(CREATES, () => registries.get('/v1/pods')!.create(ctx, ns, benchPod(`p-${n++}`, n))),
      };
      for (const [kind, run] of Object.entries(perKind)) {
        const cpu = await compare({ store: run(variants.store), cache: run(variants.cache) });
        out[`${kind}In${ns === 'default' ? 'PlainNamespace' : 'QuotaNamespace'}`] = {
          cpuMicrosPerCreate: cpu,
          ratio: round(cpu.store! / cpu.cache!, 2),
        };
      }
    }
    return out;
  } finally {
    await backend.close();
  }
}

async function tokenSigning() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const issuer = new ServiceAccountTokenIssuer(pem);
  const key = createPrivateKey(pem);
  const request = {
    namespace: 'default',
    serviceAccount: { name: 'default', uid: 'u' },
    pod: { name: 'web', uid: 'p' },
    node: { name: 'n1', uid: 'n' },
  };
  // What every signing did before: derive the key id from the key.
  const keyIdFromScratch = () =>
    createHash('sha256')
      .update(createPublicKey(key).export({ type: 'spki', format: 'der' }))
      .digest('base64url');
  const cpu = await compare({
    perTokenKeyId: () =>
      cpuPerCall(TOKENS, () => {
        keyIdFromScratch();
        issuer.issue(request);
      }),
    cachedKeyId: () => cpuPerCall(TOKENS, () => issuer.issue(request)),
  });
  return { cpuMicrosPerToken: cpu, ratio: round(cpu.perTokenKeyId! / cpu.cachedKeyId!, 2) };
}

export default async function hotReadsBench() {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-hot-reads-'));
  try {
    const authz = await nodeAuthorization(join(dir, 'authz.db'));
    const creates = await admission(join(dir, 'admission.db'));
    const tokens = await tokenSigning();
    const c = creates as Record<string, { ratio: number }>;
    const summary =
      `node checks store/index ${authz.map((a) => `${a.pods} pods ${a.cpuMicrosPerCheck.store}/${a.cpuMicrosPerCheck.index} µs (x${a.ratio})`).join(', ')}; ` +
      `creates store/cache: events x${c.eventsInPlainNamespace!.ratio} (quota ns x${c.eventsInQuotaNamespace!.ratio}), ` +
      `pods x${c.podsInPlainNamespace!.ratio} (quota ns x${c.podsInQuotaNamespace!.ratio}); ` +
      `token signing x${tokens.ratio}`;
    return { summary, nodeAuthorization: authz, admission: creates, tokenSigning: tokens };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
