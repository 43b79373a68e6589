// Service account tokens for projected volumes (upstream pkg/kubelet/token/token_manager.go):
// requested through serviceaccounts/<name>/token bound to the pod, cached per pod, audience and
// lifetime, and requested again once 80% of the token's life has passed (or after 24 hours), so
// a pod always holds a token that is still valid.
import type { Client, KubeObject } from '../../api/client/index.ts';
import type { Pod } from '../../api/types/pod.ts';

interface CachedToken {
  token: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

const MAX_TTL_MS = 24 * 60 * 60 * 1000;

export class ServiceAccountTokens {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly client: Client,
    private readonly now: () => number = Date.now,
  ) {}

  async token(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const m = pod.metadata!;
    const key = `${m.uid}/${audience ?? ''}/${expirationSeconds}`;
    const cached = this.cache.get(key);
    if (cached && !needsRefresh(cached, this.now())) return cached.token;
    const answer = await this.client
      .resource('v1', 'ServiceAccount')
      .namespace(m.namespace!)
      .createSubresource<KubeObject>(pod.spec?.serviceAccountName || 'default', 'token', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          audiences: audience ? [audience] : [],
          expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: m.name, uid: m.uid },
        },
      });
    const status = answer.status as { token: string; expirationTimestamp: string };
    const fresh = {
      token: status.token,
      issuedAtMs: this.now(),
      expiresAtMs: Date.parse(status.expirationTimestamp),
    };
    this.cache.set(key, fresh);
    return fresh.token;
  }

  /** Drops the pod's tokens (it is gone). */
  forget(uid: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${uid}/`)) this.cache.delete(key);
  }
}

/** Upstream requiresRefresh: past 80% of the lifetime, or older than 24 hours. */
export function needsRefresh(token: CachedToken, nowMs: number): boolean {
  if (nowMs >= token.expiresAtMs) return true;
  const life = token.expiresAtMs - token.issuedAtMs;
  return nowMs - token.issuedAtMs > life * 0.8 || nowMs - token.issuedAtMs > MAX_TTL_MS;
}
