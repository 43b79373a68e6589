// The UI in browser mode: `/ui/` serves the built renderer to whoever holds a session, and
// `/ui/login?token=...` (the one-time link `flotilla serve` prints) opens one. The API server
// authenticates the same session on the Kubernetes API and the app API, so the renderer talks
// to everything on its own origin with nothing but its cookie.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Mount } from '../apiserver/server.ts';
import type { UserInfo } from '../apiserver/registry/types.ts';
import { securityHeaders } from './security-headers.ts';
import { UiSessions } from './sessions.ts';
import { defaultRendererDir, resolveStatic } from './static-files.ts';

export { UiSessions } from './sessions.ts';
export { contentSecurityPolicy, securityHeaders } from './security-headers.ts';
export { defaultRendererDir, rendererBuilt } from './static-files.ts';

export interface UiServerOptions {
  user: UserInfo;
  /** The port the API server ended up on (known only after listen). */
  port: () => number;
  rendererDir?: string;
}

export interface UiServer {
  sessions: UiSessions;
  /** Mount at /ui/ for createApiServer's `mounts`. */
  mount: Mount;
  /** A fresh one-time login link for a server at `apiUrl` (https://127.0.0.1:P). */
  loginUrl(apiUrl: string): string;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:15px system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}
code{background:#eee;padding:.1em .3em;border-radius:3px}</style></head><body>${body}</body></html>\n`;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType = 'text/html; charset=utf-8',
  extra: Record<string, string> = {},
): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...securityHeaders,
    'Content-Type': contentType,
    'Content-Length': String(buf.length),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(buf);
}

export function createUiServer(opts: UiServerOptions): UiServer {
  const sessions = new UiSessions({ user: opts.user, port: opts.port });
  const rendererDir = opts.rendererDir ?? defaultRendererDir;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!sessions.hostAllowed(req)) {
      send(res, 421, page('Wrong address', '<p>Open the UI at <code>https://127.0.0.1</code>.</p>'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, page('Method not allowed', '<p>The UI only answers GET.</p>'));
      return;
    }
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (url.pathname === '/ui') {
      res.writeHead(301, { ...securityHeaders, Location: '/ui/', 'Content-Length': '0' });
      res.end();
      return;
    }
    if (url.pathname === '/ui/login') {
      const session = sessions.redeem(url.searchParams.get('token') ?? '');
      if (!session) {
        send(
          res,
          401,
          page(
            'Login link expired',
            '<h1>This login link does not work any more</h1><p>Each link opens one session. ' +
              'Restart <code>flotilla serve</code> (or <code>npm start</code>) and open the new link it prints.</p>',
          ),
        );
        return;
      }
      // A meta refresh, not a 302: a same-origin navigation, so the Strict cookie goes along
      // and the token leaves the address bar.
      send(
        res,
        200,
        page('Signing in', '<meta http-equiv="refresh" content="0;url=/ui/"><p>Signing in…</p>'),
        undefined,
        { 'Set-Cookie': sessions.cookie(session) },
      );
      return;
    }
    if (!sessions.sessionOf(req)) {
      send(
        res,
        401,
        page(
          'Sign in',
          '<h1>Sign in to Flotilla</h1><p>Open the login link that <code>flotilla serve</code> ' +
            '(or <code>npm start</code>) printed in its terminal.</p>',
        ),
      );
      return;
    }
    const file = resolveStatic(rendererDir, url.pathname.slice('/ui/'.length));
    if (!file) {
      const built = resolveStatic(rendererDir, '') !== undefined;
      send(
        res,
        built ? 404 : 503,
        built
          ? page('Not found', '<p>No such file.</p>')
          : page(
              'UI not built',
              '<h1>The UI is not built yet</h1><p>Run <code>npm run build:renderer</code> ' +
                '(or start with <code>npm start</code>, which builds it), then reload.</p>',
            ),
      );
      return;
    }
    send(res, 200, file.body, file.contentType, {
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };

  return {
    sessions,
    mount: { prefix: '/ui/', public: true, handle },
    loginUrl: (apiUrl) => `${apiUrl}/ui/login?token=${sessions.issueLoginToken()}`,
  };
}
