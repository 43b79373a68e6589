// Authentication, like upstream's union of x509 and bearer-token authenticators: a client
// certificate that verifies against our CA names the user (CN) and groups (O); otherwise an
// `Authorization: Bearer` token is looked up. Everyone authenticated is also in
// system:authenticated. No credentials -> undefined (the server answers 401, except for the
// public health endpoints); a token that is presented but unknown -> 401.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from './registry/types.ts';
import { unauthorized } from './status.ts';
import { ExpiringCache } from './expiring-cache.ts';

/** Client certificate -> user (control-plane/auth CertAuthenticator fits). */
export interface CertificateAuthenticator {
  authenticate(socket: TLSSocket): UserInfo | undefined;
}

/** Bearer token -> user (control-plane/auth TokenAuthenticator fits). */
export interface BearerTokenAuthenticator {
  authenticate(token: string): UserInfo | undefined | Promise<UserInfo | undefined>;
}

/** A browser session -> user; undefined when the request carries no valid session. */
export interface SessionAuthenticator {
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

export interface AuthenticatorOptions {
  /** Without one, a certificate counts when TLS verified it against the server's `ca`. */
  certificates?: CertificateAuthenticator;
  tokens?: BearerTokenAuthenticator;
  /** The UI's login sessions (session cookie), tried after certificates (control-plane/ui-server). */
  sessions?: SessionAuthenticator;
  /** How long a token's answer is remembered (upstream caches token reviews too). Default 10 s. */
  tokenCacheMs?: number;
}

export const anonymousUser: UserInfo = Object.freeze({
  username: 'system:anonymous',
  groups: Object.freeze(['system:unauthenticated']) as string[],
});

const authenticatedGroup = 'system:authenticated';

function withAuthenticated(user: UserInfo): UserInfo {
  const groups = user.groups ?? [];
  return groups.includes(authenticatedGroup) ? user : { ...user, groups: [...groups, authenticatedGroup] };
}

/** Upstream's x509 rule when no authenticator is configured: CN is the user, each O a group. */
function userFromVerifiedSocket(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerCertificate()?.subject;
  const cn = subject?.CN;
  const username = Array.isArray(cn) ? cn[0] : cn;
  if (!username) return undefined;
  const o = subject.O;
  return withAuthenticated({ username, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] });
}

const tokenCacheMax = 4096;
/** Verified client certificates remembered across connections, and for how long at most. */
const certCacheMax = 1024;
const certCacheMs = 5 * 60_000;

export class RequestAuthenticator {
  // A certificate does not change for the life of a TLS connection, and keep-alive clients send
  // many requests on one: remember the user per socket.
  private readonly certUsers = new WeakMap<TLSSocket, UserInfo | null>();
  // Verifying a chain parses the certificate in JS (a millisecond or two), and a client opening
  // its connection pool (32 at once for a burst of creates) or reconnecting presents the same
  // certificate each time: remember verified ones by fingerprint, never past their expiry.
  private readonly verifiedCerts = new ExpiringCache<UserInfo>(certCacheMax);
  private readonly tokenCache = new ExpiringCache<UserInfo | undefined>(tokenCacheMax);
  private readonly tokenCacheMs: number;

  constructor(private readonly opts: AuthenticatorOptions = {}) {
    this.tokenCacheMs = opts.tokenCacheMs ?? 10_000;
  }

  /** The user behind a request, or undefined when it carries no credentials at all. */
  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate === 'function') {
      const user = this.certificateUser(socket);
      if (user) return user;
    }
    const session = this.opts.sessions?.authenticate(req);
    if (session) return withAuthenticated(session);
    const auth = req.headers.authorization;
    if (auth === undefined) return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!match || !this.opts.tokens) throw unauthorized();
    const user = await this.tokenUser(match[1]!);
    if (!user) throw unauthorized();
    return user;
  }

  private certificateUser(socket: TLSSocket): UserInfo | undefined {
    const cached = this.certUsers.get(socket);
    if (cached !== undefined) return cached ?? undefined;
    let user: UserInfo | undefined;
    try {
      user = this.opts.certificates
        ? this.verifiedCertificateUser(socket, this.opts.certificates)
        : userFromVerifiedSocket(socket);
    } catch {
      user = undefined;
    }
    if (user) user = withAuthenticated(user);
    this.certUsers.set(socket, user ?? null);
    return user;
  }

  private verifiedCertificateUser(
    socket: TLSSocket,
    certificates: CertificateAuthenticator,
  ): UserInfo | undefined {
    const cert = socket.getPeerX509Certificate?.();
    if (!cert) return certificates.authenticate(socket);
    const now = Date.now();
    const known = this.verifiedCerts.get(cert.fingerprint256, now);
    if (known) return known.value;
    const user = certificates.authenticate(socket);
    const expires = Date.parse(cert.validTo);
    if (user && expires > now)
      this.verifiedCerts.set(cert.fingerprint256, user, Math.min(expires, now + certCacheMs));
    return user;
  }

  private async tokenUser(token: string): Promise<UserInfo | undefined> {
    const now = Date.now();
    const cached = this.tokenCache.get(token, now);
    if (cached) return cached.value;
    const found = await this.opts.tokens!.authenticate(token);
    const user = found ? withAuthenticated(found) : undefined;
    this.tokenCache.set(token, user, now + this.tokenCacheMs);
    return user;
  }
}
