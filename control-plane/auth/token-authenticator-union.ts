// Several token authenticators behind the API server's one slot (upstream's union authenticator):
// the first that knows the token wins.
import type { UserInfo } from './user-info.ts';

export interface TokenAuthenticatorLike {
  authenticateToken(token: string): UserInfo | undefined | Promise<UserInfo | undefined>;
}

export function unionTokenAuthenticator(...authenticators: TokenAuthenticatorLike[]): TokenAuthenticatorLike {
  return {
    async authenticateToken(token: string) {
      for (const authenticator of authenticators) {
        const user = await authenticator.authenticateToken(token);
        if (user) return user;
      }
      return undefined;
    },
  };
}
