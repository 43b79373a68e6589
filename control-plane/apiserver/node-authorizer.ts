// The object checks of upstream's Node authorizer (plugin/pkg/auth/authorizer/node): a node may
// read a Secret, ConfigMap, PersistentVolumeClaim or PersistentVolume only when a pod bound to it
// uses it, ask for tokens only of the service accounts its pods run as, and write only the pods
// bound to it. Upstream answers from a graph of pods, nodes and what they use; here an index of
// names fed by the pods' watch (node-pod-index.ts) answers "yes" when it is current, and anything
// else is asked of the store as it always was (the namespace's pods bound to the node). So the
// index only makes allowed reads cheap: a pod bound a moment ago, or a backend whose watch lags,
// still gets the store's answer, and what is denied is denied exactly as before.
import { cachedObjects, type CachedObjects } from './cached-objects.ts';
import { NodePodIndex } from './node-pod-index.ts';
import { podReferences, podServiceAccount, type ReferenceKind } from './pod-references.ts';
import { GenericRegistry } from './registry/store.ts';
import type { KubeObject, ResourceRegistry, UserInfo } from './registry/types.ts';
import type { ResourceRequest } from './router.ts';

export type Registries = ReadonlyMap<string, ResourceRegistry>;

const ctx = { user: { username: 'system:apiserver', groups: ['system:masters'] }, warnings: [] as string[] };

/** Pods bound to `nodeName` in `namespace`. */
async function podsOnNode(
  registries: Registries,
  nodeName: string,
  namespace: string,
): Promise<KubeObject[]> {
  const pods = registries.get('/v1/pods');
  if (!pods) return [];
  const list = await pods.list(ctx, namespace, { fieldSelector: `spec.nodeName=${nodeName}` });
  return (list.items ?? []) as KubeObject[];
}

async function getOrUndefined(
  registries: Registries,
  key: string,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return await registries.get(key)?.get(ctx, namespace, name);
  } catch (err) {
    if ((err as { status?: { code?: number } }).status?.code === 404) return undefined;
    throw err;
  }
}

/** Secrets named by the spec.tls of the namespace's Ingresses. */
async function ingressTlsSecrets(
  registries: Registries,
  ingressCache: CachedObjects | undefined,
  namespace: string,
): Promise<Set<string>> {
  const ingresses = registries.get('networking.k8s.io/v1/ingresses');
  if (!ingresses) return new Set();
  const items =
    (await ingressCache?.list(namespace)) ??
    (((await ingresses.list(ctx, namespace, {})).items ?? []) as KubeObject[]);
  return new Set(
    items.flatMap((i) => (i.spec?.tls ?? []).map((t: { secretName?: string }) => t.secretName ?? '')),
  );
}

const referenceKinds: Record<string, ReferenceKind> = {
  '/secrets': 'secret',
  '/configmaps': 'configmap',
  '/persistentvolumeclaims': 'pvc',
};

/** The node checks of one API server, with the index they share. */
export class NodeAuthorizer {
  private readonly index: NodePodIndex | undefined;
  private readonly ingresses: CachedObjects | undefined;

  constructor(
    private readonly registries: Registries,
    /** Off: every check asks the store (the benchmark's baseline). */
    watchCache = true,
  ) {
    const pods = registries.get('/v1/pods');
    const indexed = watchCache && pods instanceof GenericRegistry;
    this.index = indexed ? new NodePodIndex(pods.context) : undefined;
    this.ingresses = watchCache ? cachedObjects(registries.get('networking.k8s.io/v1/ingresses')) : undefined;
  }

  /**
   * Whether the node may go on with a request the static rules (authz.ts) already allow; only the
   * requests that name an object the node must be related to are checked here.
   */
  async mayAccess(nodeName: string, r: ResourceRequest): Promise<boolean> {
    const registries = this.registries;
    const key = r.subresource ? `${r.group}/${r.resource}/${r.subresource}` : `${r.group}/${r.resource}`;
    const referenced = referenceKinds[key];
    if (referenced) {
      if (!r.name) return false;
      if (await this.index?.uses(nodeName, referenced, r.namespace, r.name)) return true;
      // The agent's ingress controller serves the TLS Secrets Ingresses name (agent/ingress).
      if (
        referenced === 'secret' &&
        (await ingressTlsSecrets(registries, this.ingresses, r.namespace)).has(r.name)
      )
        return true;
      const pods = await podsOnNode(registries, nodeName, r.namespace);
      return pods.some((p) => podReferences(p, referenced).has(r.name));
    }
    switch (key) {
      case '/persistentvolumes': {
        if (!r.name) return false;
        return await this.nodeUsesVolume(nodeName, r.name);
      }
      case '/serviceaccounts/token': {
        if (await this.index?.uses(nodeName, 'serviceaccount', r.namespace, r.name)) return true;
        const pods = await podsOnNode(registries, nodeName, r.namespace);
        return pods.some((p) => podServiceAccount(p) === r.name);
      }
      case '/pods':
      case '/pods/status':
      case '/pods/eviction': {
        if (r.verb !== 'delete' && r.verb !== 'update' && r.verb !== 'patch' && r.verb !== 'create')
          return true;
        if (await this.index?.boundTo(nodeName, r.namespace, r.name)) return true;
        // A pod that is not there gets its 404 from the handler; nothing is written.
        const pod = await getOrUndefined(registries, '/v1/pods', r.namespace, r.name);
        return !pod || pod.spec?.nodeName === nodeName;
      }
      default:
        return true;
    }
  }

  /** Stops the index's watch. */
  close(): void {
    this.index?.close();
  }

  /** A PersistentVolume bound to a claim of a pod on the node (any namespace). */
  private async nodeUsesVolume(nodeName: string, volumeName: string): Promise<boolean> {
    const boundTo = async (namespace: string, claim: string) =>
      (await getOrUndefined(this.registries, '/v1/persistentvolumeclaims', namespace, claim))?.spec
        ?.volumeName === volumeName;
    for (const claim of (await this.index?.claims(nodeName)) ?? [])
      if (await boundTo(claim.namespace, claim.name)) return true;
    for (const pod of await podsOnNode(this.registries, nodeName, ''))
      for (const claim of podReferences(pod, 'pvc'))
        if (await boundTo(pod.metadata?.namespace ?? '', claim)) return true;
    return false;
  }
}

/** A CertificateSigningRequest is readable by the user who made it (nodes and bootstrap tokens). */
export async function mayReadCsr(
  registries: Registries,
  user: UserInfo,
  r: ResourceRequest,
): Promise<boolean> {
  if (r.verb !== 'get' || !r.name) return true;
  const csr = await getOrUndefined(
    registries,
    'certificates.k8s.io/v1/certificatesigningrequests',
    '',
    r.name,
  );
  return !csr || csr.spec?.username === user.username;
}
