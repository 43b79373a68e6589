// serviceaccounts/token: the authentication.k8s.io/v1 TokenRequest API (`kubectl create token`,
// the kubelet's projected tokens). Issues a JWT for an existing ServiceAccount with the
// requested audiences and lifetime, optionally bound to a Pod or Secret that must exist, as
// upstream's TokenREST does. Nothing is stored: the request comes back with status.token.
import { invalid as invalidField, notSupported } from '../../../api/validation/errors.ts';
import type { ServiceAccountClaims, ServiceAccountTokenIssuer } from '../../auth/index.ts';
import { decodeObject, readBody } from '../decode.ts';
import type { KubeObject, ResourceRegistry } from '../registry/types.ts';
import { badRequest, invalid, methodNotAllowed } from '../status.ts';
import type { HttpSubresourceHandler } from './resource.ts';

/** Upstream refuses tokens that live less than ten minutes. */
const minExpirationSeconds = 600;
const maxExpirationSeconds = 2 ** 32;
const defaultExpirationSeconds = 3600;

export function tokenRequestHandler(
  issuer: ServiceAccountTokenIssuer,
  registries: ReadonlyMap<string, ResourceRegistry>,
): HttpSubresourceHandler {
  return async (call, info, serviceAccounts, ctx) => {
    if (info.verb !== 'create') throw methodNotAllowed();
    const { object: request } = decodeObject(
      call.req.headers['content-type'],
      await readBody(call.req, call.maxBodyBytes),
    );
    if (request.kind && request.kind !== 'TokenRequest')
      throw badRequest(`${request.kind} is not a TokenRequest`);
    const spec = (request.spec ?? {}) as Record<string, any>;
    const expirationSeconds = spec.expirationSeconds ?? defaultExpirationSeconds;
    if (!Number.isSafeInteger(expirationSeconds) || expirationSeconds < minExpirationSeconds)
      throw invalid('TokenRequest', 'authentication.k8s.io', info.name, [
        invalidField(
          'spec.expirationSeconds',
          expirationSeconds,
          'may not specify a duration less than 10 minutes',
        ),
      ]);
    if (expirationSeconds > maxExpirationSeconds)
      throw invalid('TokenRequest', 'authentication.k8s.io', info.name, [
        invalidField(
          'spec.expirationSeconds',
          expirationSeconds,
          'may not specify a duration larger than 2^32 seconds',
        ),
      ]);
    // The ServiceAccount must exist (404 otherwise); its uid goes into the token.
    const sa = await serviceAccounts.get(ctx, info.namespace, info.name);
    const bound = await boundObject(registries, ctx, info.namespace, spec.boundObjectRef);
    const audiences: string[] =
      Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences : [issuer.issuer];
    const now = new Date();
    const { token, claims } = issuer.issue({
      namespace: info.namespace,
      serviceAccount: { name: sa.metadata!.name!, uid: sa.metadata!.uid! },
      ...(bound?.kind === 'Pod' ? { pod: bound.ref } : {}),
      audiences,
      expirationSeconds,
      now,
    });
    const answer: KubeObject = {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {
        name: info.name,
        namespace: info.namespace,
        creationTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      },
      spec: {
        audiences,
        expirationSeconds,
        boundObjectRef: spec.boundObjectRef ?? null,
      },
      status: {
        token,
        expirationTimestamp: new Date(claims.exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    };
    return { code: 201, object: answer };
  };
}

async function boundObject(
  registries: ReadonlyMap<string, ResourceRegistry>,
  ctx: Parameters<HttpSubresourceHandler>[3],
  namespace: string,
  ref: Record<string, any> | null | undefined,
): Promise<{ kind: string; ref: { name: string; uid: string } } | undefined> {
  if (!ref) return undefined;
  const resource = { Pod: 'pods', Secret: 'secrets' }[String(ref.kind)];
  if (!resource || (ref.apiVersion && ref.apiVersion !== 'v1'))
    throw invalid('TokenRequest', 'authentication.k8s.io', '', [
      notSupported('spec.boundObjectRef.kind', ref.kind, ['Pod', 'Secret']),
    ]);
  const obj = await registries.get(`/v1/${resource}`)!.get(ctx, namespace, String(ref.name ?? ''));
  if (ref.uid && ref.uid !== obj.metadata?.uid)
    throw badRequest(
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  return { kind: ref.kind, ref: { name: obj.metadata!.name!, uid: obj.metadata!.uid! } };
}

/**
 * Whether the objects a token names still exist with the UIDs it was issued for (the
 * authenticator's `isBound`): deleting a ServiceAccount, or the Pod a token is bound to, revokes it.
 */
export function tokenBindingCheck(
  registries: ReadonlyMap<string, ResourceRegistry>,
): (claims: ServiceAccountClaims) => Promise<boolean> {
  const ctx = { user: { username: 'system:apiserver', groups: ['system:masters'] }, warnings: [] };
  const uidOf = async (resource: string, namespace: string, name: string) => {
    try {
      return (await registries.get(`/v1/${resource}`)!.get(ctx, namespace, name)).metadata?.uid;
    } catch {
      return undefined;
    }
  };
  return async (claims) => {
    const { namespace, serviceaccount, pod } = claims['kubernetes.io'];
    if ((await uidOf('serviceaccounts', namespace, serviceaccount.name)) !== serviceaccount.uid) return false;
    return !pod || (await uidOf('pods', namespace, pod.name)) === pod.uid;
  };
}
