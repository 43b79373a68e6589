// app://flotilla/api/... -> the control plane. The renderer only ever talks to its own origin;
// main adds the UI session (obtained with the one-time login link) and trusts only the cluster
// CA. The token never reaches the renderer.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { Readable } from 'node:stream';

export interface ControlPlaneSession {
  apiUrl: string;
  ca: string;
  session: string;
}

/** Trades the one-time login link for a session id. */
export function login(loginUrl: string, caPath: string): Promise<ControlPlaneSession> {
  const ca = readFileSync(caPath, 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(loginUrl, { ca }, (res) => {
      res.resume();
      const cookie = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('flotilla_session_'));
      const session = cookie?.split(';')[0]?.split('=')[1];
      if (res.statusCode !== 200 || !session) reject(new Error(`UI login failed: HTTP ${res.statusCode}`));
      else resolve({ apiUrl: new URL(loginUrl).origin, ca, session });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Forwards one protocol request; the response streams (watches, logs). */
export function forward(cp: ControlPlaneSession, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const headers: Record<string, string> = { authorization: `Bearer ${cp.session}` };
  for (const name of ['accept', 'content-type']) {
    const v = req.headers.get(name);
    if (v) headers[name] = v;
  }
  return new Promise((resolve, reject) => {
    const out = request(
      `${cp.apiUrl}${url.pathname}${url.search}`,
      { method: req.method, headers, ca: cp.ca },
      (res) => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve(
          new Response(Readable.toWeb(res) as ReadableStream, { status: res.statusCode ?? 502, headers: h }),
        );
      },
    );
    out.on('error', reject);
    if (req.body) {
      void req.arrayBuffer().then((b) => out.end(Buffer.from(b)), reject);
    } else out.end();
  });
}
