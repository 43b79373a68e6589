// Discovery documents, generated once from the served resource types: the legacy forms
// (/api APIVersions, /apis APIGroupList, /apis/{g} APIGroup, /api/v1 and /apis/{g}/{v}
// APIResourceList) and aggregated discovery (APIGroupDiscoveryList for /api and /apis, which
// kubectl 1.32 asks for first). Bodies are encoded once; an ETag lets clients revalidate.
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceType } from '../../api/resource-type.ts';

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

interface SubresourceInfo {
  verbs: string[];
  /** The kind the subresource answers with; the parent's kind when absent. */
  kind?: GroupVersionKind | ((rt: ResourceType) => GroupVersionKind);
}

const proxyKind = (rt: ResourceType): GroupVersionKind => ({
  group: '',
  version: 'v1',
  kind: `${rt.kind}ProxyOptions`,
});

/** Verbs and response kinds of the subresources upstream serves, as discovery lists them. */
const subresourceInfo: Record<string, SubresourceInfo> = {
  status: { verbs: ['get', 'patch', 'update'] },
  approval: { verbs: ['get', 'patch', 'update'] },
  scale: { verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
  binding: { verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' } },
  eviction: { verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } },
  log: { verbs: ['get'] },
  exec: { verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodExecOptions' } },
  attach: { verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodAttachOptions' } },
  portforward: {
    verbs: ['create', 'get'],
    kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' },
  },
  proxy: { verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: proxyKind },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
  token: { verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } },
  finalize: { verbs: ['update'] },
};

function subresourceKind(rt: ResourceType, sub: string): GroupVersionKind {
  const k = subresourceInfo[sub]?.kind;
  if (!k) return { group: rt.group, version: rt.version, kind: rt.kind };
  return typeof k === 'function' ? k(rt) : k;
}

function subresourceVerbs(sub: string): string[] {
  return subresourceInfo[sub]?.verbs ?? ['get'];
}

/** Upstream's storageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256')
    .update(`${group}/${version}/${kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

export interface EncodedDocument {
  body: string;
  etag: string;
  contentType: string;
}

function encoded(doc: unknown, contentType = 'application/json'): EncodedDocument {
  const body = JSON.stringify(doc);
  const etag = `"${createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase()}"`;
  return { body, etag, contentType };
}

interface GroupVersion {
  group: string;
  version: string;
  types: ResourceType[];
}

function groupVersions(types: ResourceType[]): GroupVersion[] {
  const byKey = new Map<string, GroupVersion>();
  for (const rt of types) {
    const key = `${rt.group}/${rt.version}`;
    let gv = byKey.get(key);
    if (!gv) byKey.set(key, (gv = { group: rt.group, version: rt.version, types: [] }));
    gv.types.push(rt);
  }
  return [...byKey.values()];
}

function apiResourceList(gv: GroupVersion): unknown {
  const resources: unknown[] = [];
  for (const rt of gv.types) {
    resources.push({
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
      ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
      ...(rt.categories.length ? { categories: rt.categories } : {}),
      // Types served only by the HTTP layer (no storage) have no storage version, as upstream.
      ...(rt.verbs.includes('get')
        ? { storageVersionHash: storageVersionHash(rt.group, rt.version, rt.kind) }
        : {}),
    });
    for (const sub of rt.subresources) {
      const k = subresourceKind(rt, sub);
      resources.push({
        name: `${rt.plural}/${sub}`,
        singularName: '',
        namespaced: rt.namespaced,
        ...(k.group !== rt.group || k.version !== rt.version ? { group: k.group, version: k.version } : {}),
        kind: k.kind,
        verbs: subresourceVerbs(sub),
      });
    }
  }
  // Upstream lists resources sorted by name (subresources right after their parent).
  resources.sort((a: any, b: any) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    kind: 'APIResourceList',
    ...(gv.group ? { apiVersion: 'v1' } : {}),
    groupVersion: apiVersionOf(gv),
    resources,
  };
}

function versionForDiscovery(gv: { group: string; version: string }) {
  return { groupVersion: apiVersionOf(gv), version: gv.version };
}

function aggregatedResource(rt: ResourceType): unknown {
  return {
    resource: rt.plural,
    responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
    ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
    ...(rt.categories.length ? { categories: rt.categories } : {}),
    ...(rt.subresources.length
      ? {
          subresources: rt.subresources.map((sub) => ({
            subresource: sub,
            responseKind: subresourceKind(rt, sub),
            verbs: subresourceVerbs(sub),
          })),
        }
      : {}),
  };
}

function aggregatedList(version: string, groups: { name: string; versions: GroupVersion[] }[]): unknown {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.name ? { name: g.name, creationTimestamp: null } : { creationTimestamp: null },
      versions: g.versions.map((gv) => ({
        version: gv.version,
        resources: [...gv.types]
          .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0))
          .map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}

export interface DiscoveryDocuments {
  /** Legacy and aggregated documents by path: `/api`, `/apis`, `/api/v1`, `/apis/apps`, ... */
  legacy: Map<string, EncodedDocument>;
  /** Aggregated documents for `/api` and `/apis`, by apidiscovery version (v2, v2beta1). */
  aggregated: Map<string, EncodedDocument>;
}

/**
 * Build every discovery document. `types` is in display order (core first); `serverAddress`
 * is what /api reports in serverAddressByClientCIDRs.
 */
export function buildDiscovery(types: ResourceType[], serverAddress: string): DiscoveryDocuments {
  const gvs = groupVersions(types);
  const core = gvs.filter((gv) => gv.group === '');
  const groupNames: string[] = [];
  const groupVersionsByName = new Map<string, GroupVersion[]>();
  for (const gv of gvs) {
    if (gv.group === '') continue;
    if (!groupVersionsByName.has(gv.group)) {
      groupNames.push(gv.group);
      groupVersionsByName.set(gv.group, []);
    }
    groupVersionsByName.get(gv.group)!.push(gv);
  }

  const legacy = new Map<string, EncodedDocument>();
  legacy.set(
    '/api',
    encoded({
      kind: 'APIVersions',
      versions: core.map((gv) => gv.version),
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    }),
  );
  const apiGroups = groupNames.map((name) => {
    const versions = groupVersionsByName.get(name)!.map(versionForDiscovery);
    return { name, versions, preferredVersion: versions[0] };
  });
  legacy.set('/apis', encoded({ kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups }));
  for (const group of apiGroups)
    legacy.set(`/apis/${group.name}`, encoded({ kind: 'APIGroup', apiVersion: 'v1', ...group }));
  for (const gv of gvs)
    legacy.set(`/${gv.group ? 'apis' : 'api'}/${apiVersionOf(gv)}`, encoded(apiResourceList(gv)));

  const aggregated = new Map<string, EncodedDocument>();
  for (const version of ['v2', 'v2beta1']) {
    const contentType = `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
    aggregated.set(
      `/api:${version}`,
      encoded(aggregatedList(version, [{ name: '', versions: core }]), contentType),
    );
    aggregated.set(
      `/apis:${version}`,
      encoded(
        aggregatedList(
          version,
          groupNames.map((name) => ({ name, versions: groupVersionsByName.get(name)! })),
        ),
        contentType,
      ),
    );
  }
  return { legacy, aggregated };
}
