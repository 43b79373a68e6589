// The object checks of upstream's Node authorizer (plugin/pkg/auth/authorizer/node), asked of
// the store instead of a graph: a node may read a Secret, ConfigMap, PersistentVolumeClaim or
// PersistentVolume only when a pod bound to it uses it, ask for tokens only of the service
// accounts its pods run as, and write only the pods bound to it. A kubelet does a handful of
// these reads per pod start, so a namespace's pod list per check is cheap enough here.
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
async function ingressTlsSecrets(registries: Registries, namespace: string): Promise<Set<string>> {
  const ingresses = registries.get('networking.k8s.io/v1/ingresses');
  if (!ingresses) return new Set();
  const list = await ingresses.list(ctx, namespace, {});
  return new Set(
    ((list.items ?? []) as KubeObject[]).flatMap((i) =>
      (i.spec?.tls ?? []).map((t: { secretName?: string }) => t.secretName ?? ''),
    ),
  );
}

type Kind = 'secret' | 'configmap' | 'pvc';

/** Every object of `kind` a pod refers to (volumes, projected sources, env, envFrom, pull secrets). */
export function podReferences(pod: KubeObject, kind: Kind): Set<string> {
  const names = new Set<string>();
  const add = (n: unknown) => typeof n === 'string' && n !== '' && names.add(n);
  const spec = pod.spec ?? {};
  for (const v of spec.volumes ?? []) {
    if (kind === 'secret') add(v.secret?.secretName);
    if (kind === 'configmap') add(v.configMap?.name);
    if (kind === 'pvc') {
      add(v.persistentVolumeClaim?.claimName);
      // Generic ephemeral volumes are claims named <pod>-<volume>.
      if (v.ephemeral) add(`${pod.metadata?.name}-${v.name}`);
    }
    for (const source of v.projected?.sources ?? []) {
      if (kind === 'secret') add(source.secret?.name);
      if (kind === 'configmap') add(source.configMap?.name);
    }
    if (kind === 'secret') {
      add(v.cephfs?.secretRef?.name);
      add(v.rbd?.secretRef?.name);
      add(v.iscsi?.secretRef?.name);
      add(v.csi?.nodePublishSecretRef?.name);
    }
  }
  if (kind === 'secret') for (const s of spec.imagePullSecrets ?? []) add(s.name);
  if (kind !== 'pvc')
    for (const c of [
      ...(spec.initContainers ?? []),
      ...(spec.containers ?? []),
      ...(spec.ephemeralContainers ?? []),
    ]) {
      for (const e of c.env ?? [])
        add(kind === 'secret' ? e.valueFrom?.secretKeyRef?.name : e.valueFrom?.configMapKeyRef?.name);
      for (const e of c.envFrom ?? []) add(kind === 'secret' ? e.secretRef?.name : e.configMapRef?.name);
    }
  return names;
}

const referenceKinds: Record<string, Kind> = {
  '/secrets': 'secret',
  '/configmaps': 'configmap',
  '/persistentvolumeclaims': 'pvc',
};

/**
 * Whether the node may go on with a request the static rules (authz.ts) already allow; only the
 * requests that name an object the node must be related to are checked here.
 */
export async function nodeMayAccessObject(
  registries: Registries,
  nodeName: string,
  r: ResourceRequest,
): Promise<boolean> {
  const key = r.subresource ? `${r.group}/${r.resource}/${r.subresource}` : `${r.group}/${r.resource}`;
  const referenced = referenceKinds[key];
  if (referenced) {
    if (!r.name) return false;
    const pods = await podsOnNode(registries, nodeName, r.namespace);
    if (pods.some((p) => podReferences(p, referenced).has(r.name))) return true;
    // The agent's ingress controller serves the TLS Secrets Ingresses name (agent/ingress).
    return referenced === 'secret' && (await ingressTlsSecrets(registries, r.namespace)).has(r.name);
  }
  switch (key) {
    case '/persistentvolumes': {
      if (!r.name) return false;
      return await nodeUsesVolume(registries, nodeName, r.name);
    }
    case '/serviceaccounts/token': {
      const pods = await podsOnNode(registries, nodeName, r.namespace);
      return pods.some((p) => (p.spec?.serviceAccountName || 'default') === r.name);
    }
    case '/pods':
    case '/pods/status':
    case '/pods/eviction': {
      if (r.verb !== 'delete' && r.verb !== 'update' && r.verb !== 'patch' && r.verb !== 'create')
        return true;
      // A pod that is not there gets its 404 from the handler; nothing is written.
      const pod = await getOrUndefined(registries, '/v1/pods', r.namespace, r.name);
      return !pod || pod.spec?.nodeName === nodeName;
    }
    default:
      return true;
  }
}

/** A PersistentVolume bound to a claim of a pod on the node (any namespace). */
async function nodeUsesVolume(
  registries: Registries,
  nodeName: string,
  volumeName: string,
): Promise<boolean> {
  for (const pod of await podsOnNode(registries, nodeName, '')) {
    for (const claim of podReferences(pod, 'pvc')) {
      const pvc = await getOrUndefined(
        registries,
        '/v1/persistentvolumeclaims',
        pod.metadata?.namespace ?? '',
        claim,
      );
      if (pvc?.spec?.volumeName === volumeName) return true;
    }
  }
  return false;
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
