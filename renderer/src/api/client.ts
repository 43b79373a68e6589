// The renderer's HTTP client. Every URL is relative: in the browser the page and the API share
// an origin and the session cookie; in the desktop app the app:// protocol forwards the same
// paths to the control plane. Nothing here knows about tokens.
import { kubernetesUrl } from './current-cluster.ts';
import { errorFromResponse } from './errors.ts';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
    deletionTimestamp?: string;
  };
  [key: string]: unknown;
}

export interface KubeList<T> {
  metadata: { resourceVersion: string; continue?: string };
  items: T[];
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(kubernetesUrl(path), { credentials: 'same-origin', ...init });
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await request(path, { headers: { Accept: 'application/json' }, signal });
  return (await res.json()) as T;
}

/**
 * A LIST in pages of `limit` (what informers do), yielded in order. The next page is asked for
 * as soon as this one has arrived, before the caller gets it: the server prepares page k+1
 * while the caller shows page k, instead of both taking turns. `get` fetches one page (the
 * server by default).
 */
export async function* listPages<T>(
  path: string,
  limit: number,
  get: (path: string) => Promise<KubeList<T>> = getJson,
): AsyncGenerator<KubeList<T>> {
  const pagePath = (token: string) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (token) q.set('continue', token);
    return `${path}${path.includes('?') ? '&' : '?'}${q}`;
  };
  let pending = get(pagePath(''));
  for (;;) {
    const page = await pending;
    const token = page.metadata.continue ?? '';
    if (token) {
      pending = get(pagePath(token));
      // Still thrown to whoever awaits it; this only keeps a caller that stops early from
      // leaving an unhandled rejection behind.
      pending.catch(() => {});
    }
    yield page;
    if (!token) return;
  }
}

export async function sendJson<T>(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const res = await request(path, {
    method,
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return (await res.json()) as T;
}

export const mergePatch = <T>(path: string, patch: unknown) =>
  sendJson<T>('PATCH', path, patch, 'application/merge-patch+json');

export const deleteObject = (path: string) => sendJson<unknown>('DELETE', path);

/**
 * Server-side apply of one object (what `kubectl apply --server-side` sends); `dryRun` asks the
 * server to validate and admit it without saving.
 */
export function applyObject(
  path: string,
  obj: unknown,
  opts: { dryRun?: boolean } = {},
): Promise<KubeObject> {
  const q = new URLSearchParams({ fieldManager: 'flotilla-ui', force: 'true' });
  if (opts.dryRun) q.set('dryRun', 'All');
  return sendJson<KubeObject>('PATCH', `${path}?${q}`, obj, 'application/apply-patch+yaml');
}

/** Reads a streaming response line by line (watch, follow logs, progress). */
export async function streamLines(
  path: string,
  onLine: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await request(path, { signal, headers: { Accept: 'application/json' } });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
  }
  if (buffered.trim()) onLine(buffered);
}
