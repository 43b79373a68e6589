// Browser sessions for the UI. `flotilla serve` prints a one-time login link; opening it trades
// the login token for a session cookie (HttpOnly, Secure, SameSite=Strict). Every /ui, /app and
// Kubernetes API request from the browser carries that cookie. Because any local process or web
// page can reach 127.0.0.1, a session only counts when the Host header names this server by a
// loopback name (no DNS rebinding) and, for requests that change things, the Origin is our own.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../apiserver/registry/types.ts';

/** Loopback names the UI answers to; anything else in Host is refused (DNS rebinding). */
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface SessionsOptions {
  /** The identity every UI session acts as (the admin, as the kubeconfig does). */
  user: UserInfo;
  /** The port the server listens on: part of the cookie name, since cookies ignore ports. */
  port: () => number;
}

export class UiSessions {
  private readonly loginTokens = new Set<string>();
  private readonly sessions = new Set<string>();

  constructor(private readonly opts: SessionsOptions) {}

  /** The session cookie's name; one per port so two servers on one machine keep their own. */
  get cookieName(): string {
    return `flotilla_session_${this.opts.port()}`;
  }

  /** A new one-time login token (what the login link carries). */
  issueLoginToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.loginTokens.add(token);
    return token;
  }

  /** Trades a login token for a session id; each token works once. */
  redeem(token: string): string | undefined {
    const match = [...this.loginTokens].find((t) => sameSecret(t, token));
    if (!match) return undefined;
    this.loginTokens.delete(match);
    const session = randomBytes(32).toString('base64url');
    this.sessions.add(session);
    return session;
  }

  /** The Set-Cookie value for a session. */
  cookie(session: string): string {
    return `${this.cookieName}=${session}; Path=/; HttpOnly; Secure; SameSite=Strict`;
  }

  /** Host is this server by a loopback name (127.0.0.1:P, localhost:P, [::1]:P). */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (!m || !loopbackHosts.has(m[1]!.toLowerCase())) return false;
    return m[2] === undefined || Number(m[2]) === this.opts.port();
  }

  /** No Origin (same-origin GET, non-browser client) or exactly our own. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return origin === `https://${req.headers.host}`;
  }

  /** The session id the request carries, if it is a live one. */
  sessionOf(req: IncomingMessage): string | undefined {
    const fromCookie = readCookie(req.headers.cookie, this.cookieName);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    for (const candidate of [fromCookie, bearer]) {
      if (candidate === undefined) continue;
      for (const s of this.sessions) if (sameSecret(s, candidate)) return s;
    }
    return undefined;
  }

  /** The API server's session authenticator: the UI user, or undefined. */
  authenticate(req: IncomingMessage): UserInfo | undefined {
    if (!this.sessionOf(req)) return undefined;
    if (!this.hostAllowed(req) || !this.originAllowed(req)) return undefined;
    return this.opts.user;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
