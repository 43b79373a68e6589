// Authentication, like upstream's union of x509 and bearer-token authenticators: a client
// certificate that TLS verified against our CA names the user (CN) and groups (O); otherwise
// an `Authorization: Bearer` token is looked up. Everyone authenticated also gets the group
// system:authenticated. No credentials -> undefined (the server answers 401, except for the
// public health endpoints).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from './registry/types.ts';
import { unauthorized } from './status.ts';

/** Looks up bearer tokens (control-plane/auth provides the real one). */
export interface TokenAuthenticator {
  authenticateToken(token: string): UserInfo | undefined | Promise<UserInfo | undefined>;
}

export const anonymousUser: UserInfo = Object.freeze({
  username: 'system:anonymous',
  groups: ['system:unauthenticated'],
}) as UserInfo;

const authenticatedGroup = 'system:authenticated';

// A verified certificate does not change for the life of a TLS connection; keep-alive clients
// send many requests on one, so remember the user per socket.
const certUsers = new WeakMap<TLSSocket, UserInfo | null>();

function userFromCertificate(socket: TLSSocket): UserInfo | undefined {
  const cached = certUsers.get(socket);
  if (cached !== undefined) return cached ?? undefined;
  let user: UserInfo | null = null;
  // `authorized` is true only when the client sent a certificate that chains to our CA.
  if (socket.authorized) {
    const cert = socket.getPeerCertificate();
    const cn = cert?.subject?.CN;
    const username = Array.isArray(cn) ? cn[0] : cn;
    if (username) {
      const o = cert.subject.O;
      const orgs = o === undefined ? [] : Array.isArray(o) ? o : [o];
      user = { username, groups: withAuthenticated(orgs) };
    }
  }
  certUsers.set(socket, user);
  return user ?? undefined;
}

function withAuthenticated(groups: string[]): string[] {
  return groups.includes(authenticatedGroup) ? groups : [...groups, authenticatedGroup];
}

/**
 * The user behind a request, or undefined when it carries no credentials. A bearer token that
 * is presented but unknown fails with 401, as upstream does.
 */
export async function authenticate(
  req: IncomingMessage,
  tokens: TokenAuthenticator | undefined,
): Promise<UserInfo | undefined> {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate === 'function') {
    const user = userFromCertificate(socket);
    if (user) return user;
  }
  const auth = req.headers.authorization;
  if (auth === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!match || !tokens) throw unauthorized();
  const user = await tokens.authenticateToken(match[1]!);
  if (!user) throw unauthorized();
  return { ...user, groups: withAuthenticated(user.groups ?? []) };
}
