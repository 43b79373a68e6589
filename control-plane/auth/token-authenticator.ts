// Bearer token -> user, for the API server's authentication chain (upstream's token file and
// bootstrap token authenticators in one, backed by the TokenStore).
import type { TokenStore } from './token-store.ts';
import { withAuthenticatedGroup, type UserInfo } from './user-info.ts';

export class TokenAuthenticator {
  constructor(private readonly store: TokenStore) {}

  /** The user a token belongs to, or undefined when it is unknown, revoked or expired. */
  authenticate(token: string): UserInfo | undefined {
    if (!token) return undefined;
    const record = this.store.lookup(token);
    return record ? withAuthenticatedGroup(structuredClone(record.user)) : undefined;
  }

  /** The name the API server's authentication chain calls (apiserver/authn.ts). */
  authenticateToken(token: string): UserInfo | undefined {
    return this.authenticate(token);
  }
}
