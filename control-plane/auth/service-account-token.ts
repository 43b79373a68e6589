// ServiceAccount tokens as upstream's TokenRequest API issues them: ES256 JWTs bound to a service
// account (and optionally the pod and node they were issued for), with an issuer, audiences and
// an expiry. The authenticator accepts only tokens with our issuer and one of our audiences; the
// API server may also check that the bound objects still exist (`isBound`), as upstream does.
import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt.ts';
import { withAuthenticatedGroup, type UserInfo } from './user-info.ts';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
export const DEFAULT_TOKEN_SECONDS = 3600;
/** Tolerated clock difference for nbf/iat, as upstream's JWT validation leeway. */
const LEEWAY_SECONDS = 60;

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: ObjectRef;
    pod?: ObjectRef;
    node?: ObjectRef;
  };
}

export interface ServiceAccountTokenRequest {
  namespace: string;
  serviceAccount: ObjectRef;
  /** Bind the token to a pod (it stops working when the pod is gone, if the server checks). */
  pod?: ObjectRef;
  node?: ObjectRef;
  /** Defaults to the issuer. */
  audiences?: string[];
  expirationSeconds?: number;
  now?: Date;
}

export const serviceAccountUsername = (namespace: string, name: string) =>
  `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;

export class ServiceAccountTokenIssuer {
  private readonly key: KeyObject;

  constructor(
    privateKeyPem: string,
    readonly issuer = DEFAULT_ISSUER,
  ) {
    this.key = createPrivateKey(privateKeyPem);
  }

  /** A signed token and the claims in it (the TokenRequest status wants expirationTimestamp). */
  issue(request: ServiceAccountTokenRequest): { token: string; claims: ServiceAccountClaims } {
    const now = Math.floor((request.now ?? new Date()).getTime() / 1000);
    const claims: ServiceAccountClaims = {
      iss: this.issuer,
      sub: serviceAccountUsername(request.namespace, request.serviceAccount.name),
      aud: request.audiences?.length ? [...request.audiences] : [this.issuer],
      exp: now + (request.expirationSeconds ?? DEFAULT_TOKEN_SECONDS),
      iat: now,
      nbf: now,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: request.namespace,
        serviceaccount: { ...request.serviceAccount },
        ...(request.pod ? { pod: { ...request.pod } } : {}),
        ...(request.node ? { node: { ...request.node } } : {}),
      },
    };
    return { token: signJwt(claims, this.key), claims };
  }
}

export interface ServiceAccountAuthenticatorOptions {
  /** Public keys (SPKI PEM) whose signatures are accepted; more than one during key rotation. */
  publicKeyPems: string[];
  issuer?: string;
  /** Tokens must be meant for one of these; defaults to the issuer. */
  audiences?: string[];
  /** Whether the service account (and pod) the token names still exist with those UIDs. */
  isBound?: (claims: ServiceAccountClaims) => boolean | Promise<boolean>;
  clock?: () => Date;
}

export class ServiceAccountTokenAuthenticator {
  private readonly keys: KeyObject[];
  private readonly issuer: string;
  private readonly audiences: string[];

  constructor(private readonly opts: ServiceAccountAuthenticatorOptions) {
    this.keys = opts.publicKeyPems.map((pem) => createPublicKey(pem));
    this.issuer = opts.issuer ?? DEFAULT_ISSUER;
    this.audiences = opts.audiences ?? [this.issuer];
  }

  /** The claims of a valid token of ours, or undefined (not a JWT, not ours, expired, wrong audience). */
  verify(token: string): ServiceAccountClaims | undefined {
    const claims = verifyJwt(token, this.keys) as Partial<ServiceAccountClaims> | undefined;
    if (!claims || claims.iss !== this.issuer) return undefined;
    const aud = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    if (!Array.isArray(aud) || !aud.some((a) => this.audiences.includes(a))) return undefined;
    const now = (this.opts.clock?.() ?? new Date()).getTime() / 1000;
    if (typeof claims.exp !== 'number' || now >= claims.exp) return undefined;
    if (typeof claims.nbf === 'number' && now + LEEWAY_SECONDS < claims.nbf) return undefined;
    const k8s = claims['kubernetes.io'];
    if (!k8s?.namespace || !k8s.serviceaccount?.name) return undefined;
    if (claims.sub !== serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name)) return undefined;
    return claims as ServiceAccountClaims;
  }

  async authenticateToken(token: string): Promise<UserInfo | undefined> {
    const claims = this.verify(token);
    if (!claims) return undefined;
    if (this.opts.isBound && !(await this.opts.isBound(claims))) return undefined;
    const { namespace, serviceaccount } = claims['kubernetes.io'];
    return withAuthenticatedGroup({
      username: claims.sub,
      uid: serviceaccount.uid,
      groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`],
    });
  }
}
