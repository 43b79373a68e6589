import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RequestAuthenticator } from './authn.ts';
import { StatusError } from './status.ts';

/** A plain (non-TLS) request carrying only headers: what token authentication looks at. */
const request = (headers: Record<string, string>) => ({ headers, socket: {} }) as unknown as IncomingMessage;

class CountingTokens {
  calls = 0;
  authenticate(token: string) {
    this.calls++;
    return token === 'good' ? { username: 'bob', groups: ['dev'] } : undefined;
  }
}

describe('RequestAuthenticator', () => {
  it('finds the user of a bearer token and adds system:authenticated', async () => {
    const auth = new RequestAuthenticator({ tokens: new CountingTokens() });
    expect(await auth.authenticate(request({ authorization: 'Bearer good' }))).toEqual({
      username: 'bob',
      groups: ['dev', 'system:authenticated'],
    });
  });

  it('has no user for a request without credentials', async () => {
    expect(await new RequestAuthenticator().authenticate(request({}))).toBeUndefined();
  });

  it('refuses unknown tokens and other schemes with 401', async () => {
    const auth = new RequestAuthenticator({ tokens: new CountingTokens() });
    for (const authorization of ['Bearer bad', 'Basic dXNlcjpwdw==', 'Bearer'])
      await expect(auth.authenticate(request({ authorization }))).rejects.toBeInstanceOf(StatusError);
  });

  it('remembers answers for a while instead of asking the token store on every request', async () => {
    const tokens = new CountingTokens();
    const auth = new RequestAuthenticator({ tokens, tokenCacheMs: 60_000 });
    for (let i = 0; i < 5; i++) await auth.authenticate(request({ authorization: 'Bearer good' }));
    expect(tokens.calls).toBe(1);
    const uncached = new RequestAuthenticator({ tokens, tokenCacheMs: 0 });
    await uncached.authenticate(request({ authorization: 'Bearer good' }));
    await uncached.authenticate(request({ authorization: 'Bearer good' }));
    expect(tokens.calls).toBe(3);
  });
});
