// TLS for the ingress: each Ingress's spec.tls names a Secret (type kubernetes.io/tls, keys
// tls.crt and tls.key in the Ingress's namespace) for some hosts; the handshake's SNI name picks
// it (exact host, then a `*.` wildcard). Anything else gets a self-signed default certificate,
// like ingress-nginx's "Kubernetes Ingress Controller Fake Certificate".
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Ingress, Secret } from '../../api/types/index.ts';
import type { PemPair } from './self-signed.ts';

export class CertificateTable {
  private readonly byHost = new Map<string, SecureContext>();
  private fallback: SecureContext;

  /**
   * @param secret looks a Secret up by `ns/name`
   * @param onError told about a named Secret that is missing or unusable
   */
  constructor(
    ingresses: Ingress[],
    secret: (key: string) => Secret | undefined,
    defaultCert: PemPair,
    onError: (message: string) => void = () => {},
  ) {
    this.fallback = createSecureContext(defaultCert);
    const contexts = new Map<string, SecureContext | undefined>();
    for (const ing of ingresses)
      for (const t of ing.spec?.tls ?? []) {
        if (!t.secretName) continue;
        const key = `${ing.metadata?.namespace ?? 'default'}/${t.secretName}`;
        if (!contexts.has(key)) contexts.set(key, contextFor(key, secret(key), onError));
        const ctx = contexts.get(key);
        if (!ctx) continue;
        // Without hosts, the certificate is for every host this ingress answers.
        if (!t.hosts?.length) this.fallback = ctx;
        for (const h of t.hosts ?? [])
          if (!this.byHost.has(h.toLowerCase())) this.byHost.set(h.toLowerCase(), ctx);
      }
  }

  /** The context for an SNI name (or the default without one). */
  forServername(name: string | undefined): SecureContext {
    if (!name) return this.fallback;
    const host = name.toLowerCase();
    const wildcard = host.includes('.') ? `*.${host.slice(host.indexOf('.') + 1)}` : undefined;
    return this.byHost.get(host) ?? (wildcard ? this.byHost.get(wildcard) : undefined) ?? this.fallback;
  }
}

function contextFor(
  key: string,
  s: Secret | undefined,
  onError: (m: string) => void,
): SecureContext | undefined {
  const crt = s?.data?.['tls.crt'];
  const tlsKey = s?.data?.['tls.key'];
  if (!crt || !tlsKey) {
    onError(
      `TLS secret ${key} ${s ? 'has no tls.crt and tls.key' : 'does not exist'}; using the default certificate`,
    );
    return undefined;
  }
  try {
    return createSecureContext({
      cert: Buffer.from(crt, 'base64').toString('utf8'),
      key: Buffer.from(tlsKey, 'base64').toString('utf8'),
    });
  } catch (err) {
    onError(
      `TLS secret ${key} is not a usable certificate and key (${String(err)}); using the default certificate`,
    );
    return undefined;
  }
}
