import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { UiSessions } from './sessions.ts';

const user = { username: 'admin', groups: ['system:masters'] };
const req = (headers: Record<string, string>, method = 'GET') =>
  ({ headers, method }) as unknown as IncomingMessage;

describe('UI sessions', () => {
  const sessions = new UiSessions({ user, port: () => 6443 });

  it('trades each login token for a session once', () => {
    const token = sessions.issueLoginToken();
    const session = sessions.redeem(token);
    expect(session).toBeTruthy();
    expect(sessions.redeem(token)).toBeUndefined();
    expect(sessions.redeem('guess')).toBeUndefined();
    expect(sessions.cookie(session!)).toMatch(
      /^flotilla_session_6443=.+; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
  });

  it('authenticates the session cookie only from our loopback host and our own origin', () => {
    const session = sessions.redeem(sessions.issueLoginToken())!;
    const cookie = `other=1; flotilla_session_6443=${session}`;
    expect(sessions.authenticate(req({ host: '127.0.0.1:6443', cookie }))).toEqual(user);
    expect(
      sessions.authenticate(req({ host: 'localhost:6443', cookie, origin: 'https://localhost:6443' })),
    ).toEqual(user);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1.
    expect(sessions.authenticate(req({ host: 'evil.example:6443', cookie }))).toBeUndefined();
    // Another local page (same site, other port) posting with the cookie.
    expect(
      sessions.authenticate(
        req({ host: '127.0.0.1:6443', cookie, origin: 'https://127.0.0.1:8080' }, 'POST'),
      ),
    ).toBeUndefined();
    expect(
      sessions.authenticate(req({ host: '127.0.0.1:6443', cookie: 'flotilla_session_6443=nope' })),
    ).toBeUndefined();
    expect(sessions.authenticate(req({ host: '127.0.0.1:6443' }))).toBeUndefined();
    // The desktop app's main process sends it as a bearer token.
    expect(
      sessions.authenticate(req({ host: '127.0.0.1:6443', authorization: `Bearer ${session}` })),
    ).toEqual(user);
  });
});
