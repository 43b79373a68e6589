// A small in-memory API server speaking the in-process handler contract
// (transport-in-process.ts), for the client's own unit tests: CRUD with resourceVersions, list
// with label/field equality selectors and paging, and watch with history replay, bookmarks,
// compaction (410 Expired) and knobs to drop connections or go down. It is not the real API
// server (control-plane/apiserver/); integration tests in test/client/ use that one.
import type {
  InProcessHandler,
  InProcessRequest,
  InProcessResponse,
  InProcessWatchSink,
} from './transport-in-process.ts';
import type { KubeObject, Status, WatchEvent, WatchEventType } from './types.ts';

interface Parsed {
  /** `group/version/plural` */
  collection: string;
  namespace: string;
  name?: string;
  subresource?: string;
}

interface HistoryEntry {
  rev: number;
  type: Exclude<WatchEventType, 'BOOKMARK' | 'ERROR'>;
  collection: string;
  obj: KubeObject;
}

interface OpenWatch {
  collection: string;
  namespace: string;
  query: Record<string, string>;
  sink: InProcessWatchSink;
  closed: boolean;
}

export class StatusFailure extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

const fail = (code: number, reason: string, message: string) =>
  new StatusFailure({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

export function parsePath(path: string): Parsed {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api') {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    rest = parts.slice(2);
  } else throw fail(404, 'NotFound', `the server could not find the requested resource (${path})`);
  const version = rest.shift() ?? '';
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  return { collection: `${group}/${version}/${plural}`, namespace, name, subresource };
}

function matchesSelectors(obj: KubeObject, query: Record<string, string>): boolean {
  for (const term of (query.labelSelector ?? '').split(',').filter(Boolean)) {
    const [k, v] = term.split('=');
    if (obj.metadata?.labels?.[k ?? ''] !== v) return false;
  }
  for (const term of (query.fieldSelector ?? '').split(',').filter(Boolean)) {
    const [path, v] = term.split('=');
    let cur: any = obj;
    for (const p of (path ?? '').split('.')) cur = cur?.[p];
    if ((cur ?? '') !== v) return false;
  }
  return true;
}

const clone = <T>(v: T): T => structuredClone(v);

export class FakeApiServer implements InProcessHandler {
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: HistoryEntry[] = [];
  private readonly watches = new Set<OpenWatch>();
  private rev = 1;
  private compacted = 0;
  private uid = 0;
  /** Called before each request or watch is served (tests use it to change the world in between). */
  beforeRequest: ((req: InProcessRequest) => void) | undefined;
  /** While true every request and watch fails like a refused connection. */
  down = false;
  /** Every request and watch, in order: `GET /api/v1/pods?watch=true&resourceVersion=5`. */
  readonly log: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body?: unknown;
  }[] = [];

  get resourceVersion(): number {
    return this.rev;
  }

  /** Number of watches currently open. */
  get openWatches(): number {
    return this.watches.size;
  }

  private key(collection: string, namespace: string, name: string) {
    return `${collection}/${namespace}/${name}`;
  }

  async request(req: InProcessRequest): Promise<InProcessResponse> {
    this.log.push({
      method: req.method,
      path: req.path,
      query: req.query,
      headers: req.headers,
      body: req.body,
    });
    this.beforeRequest?.(req);
    if (this.down)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const p = parsePath(req.path);
    const json = (status: number, body: unknown): InProcessResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body,
    });
    switch (req.method) {
      case 'GET':
        if (p.name === undefined) return json(200, this.list(p, req.query));
        return json(200, clone(this.mustGet(p)));
      case 'POST': {
        if (p.subresource)
          return json(201, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 });
        const obj = clone(req.body as KubeObject);
        const namespace = p.namespace || obj.metadata?.namespace || '';
        return json(
          201,
          this.create(p.collection, {
            ...obj,
            metadata: { ...obj.metadata, namespace: namespace || undefined },
          }),
        );
      }
      case 'PUT':
        return json(200, this.update(p, clone(req.body as KubeObject)));
      case 'PATCH': {
        const current = this.mustGet(p);
        const patch = typeof req.body === 'string' ? JSON.parse(req.body) : req.body;
        return json(200, this.update(p, mergePatch(clone(current), patch as KubeObject), true));
      }
      case 'DELETE':
        if (p.name === undefined) {
          for (const obj of this.list(p, req.query).items) this.remove(p.collection, obj);
          return json(200, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 });
        }
        return json(200, this.remove(p.collection, this.mustGet(p)));
      default:
        throw fail(405, 'MethodNotAllowed', `${req.method} is not supported`);
    }
  }

  async watch(req: InProcessRequest, sink: InProcessWatchSink): Promise<{ close(): void }> {
    this.log.push({ method: 'WATCH', path: req.path, query: req.query, headers: req.headers });
    this.beforeRequest?.(req);
    if (this.down)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const p = parsePath(req.path);
    const w: OpenWatch = {
      collection: p.collection,
      namespace: p.namespace,
      query: req.query,
      sink,
      closed: false,
    };
    const rv = req.query.resourceVersion ?? '';
    const from = rv === '' || rv === '0' ? undefined : Number(rv);
    if (from !== undefined && from < this.compacted) {
      throw fail(410, 'Expired', `too old resource version: ${from} (${this.compacted})`);
    }
    this.watches.add(w);
    // Replay the backlog before any live event, like a server catching up from its history.
    if (from === undefined) {
      for (const [k, obj] of this.objects) {
        if (k.startsWith(`${w.collection}/`) && this.inScope(w, obj)) this.send(w, 'ADDED', obj);
      }
    } else {
      for (const h of this.history) if (h.rev > from && h.collection === w.collection) this.deliver(w, h);
    }
    return { close: () => this.closeWatch(w) };
  }

  // --- knobs for tests ---

  /** Forget history up to now: watches from older versions get 410 Expired. */
  compact(): void {
    this.compacted = this.rev;
    this.history.length = 0;
  }

  /** Send a BOOKMARK with the current resourceVersion to watches that allow bookmarks. */
  bookmark(): void {
    for (const w of this.watches) {
      if (w.query.allowWatchBookmarks !== 'true') continue;
      w.sink.onEvent({
        type: 'BOOKMARK',
        object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.rev) } },
      });
    }
  }

  /** End every open watch, cleanly or as a broken connection. */
  dropWatches(err?: Error): void {
    for (const w of [...this.watches]) {
      this.closeWatch(w);
      w.sink.onClose(err);
    }
  }

  /** Send ERROR 410 Expired in every open watch, then end it (what a server does after compaction). */
  expireWatches(): void {
    for (const w of [...this.watches]) {
      w.sink.onEvent({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: 410,
          reason: 'Expired',
          message: 'too old resource version',
        },
      });
      this.closeWatch(w);
      w.sink.onClose();
    }
  }

  /** Store an object directly (collection `group/version/plural`), as a write would. */
  create(collection: string, obj: KubeObject): KubeObject {
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? `${obj.metadata?.generateName ?? 'obj-'}${this.uid + 1}`;
    const key = this.key(collection, ns, name);
    if (this.objects.has(key))
      throw fail(409, 'AlreadyExists', `${collection.split('/')[2]} "${name}" already exists`);
    const stored = clone(obj);
    stored.metadata = {
      ...stored.metadata,
      name,
      uid: `uid-${++this.uid}`,
      resourceVersion: String(++this.rev),
      creationTimestamp: new Date(0).toISOString(),
    };
    if (!ns) delete stored.metadata.namespace;
    this.objects.set(key, stored);
    this.record('ADDED', collection, stored);
    return clone(stored);
  }

  private mustGet(p: Parsed): KubeObject {
    const obj = this.objects.get(this.key(p.collection, p.namespace, p.name ?? ''));
    if (!obj) throw fail(404, 'NotFound', `${p.collection.split('/')[2]} "${p.name}" not found`);
    return obj;
  }

  private list(p: Parsed, query: Record<string, string>) {
    const limit = Number(query.limit ?? 0);
    const after = query.continue ? JSON.parse(atob(query.continue)) : undefined;
    if (after && after.rev < this.compacted)
      throw fail(410, 'Expired', 'The provided continue parameter is too old');
    const all = [...this.objects.entries()]
      .filter(([, o]) => this.inScope({ namespace: p.namespace, query }, o))
      .filter(([k]) => k.startsWith(`${p.collection}/`))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([k]) => !after || k > after.key);
    const page = limit > 0 ? all.slice(0, limit) : all;
    const more = limit > 0 && all.length > limit;
    const rev = after?.rev ?? this.rev;
    const last = page[page.length - 1];
    return {
      kind: 'List',
      apiVersion: 'v1',
      metadata: {
        resourceVersion: String(rev),
        ...(more && last ? { continue: btoa(JSON.stringify({ key: last[0], rev })) } : {}),
      },
      items: page.map(([, o]) => clone(o)),
    };
  }

  private update(p: Parsed, obj: KubeObject, patched = false): KubeObject {
    const current = this.mustGet(p);
    const rv = obj.metadata?.resourceVersion;
    if (!patched && rv && rv !== current.metadata?.resourceVersion) {
      throw fail(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${p.collection.split('/')[2]} "${p.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const stored = clone(obj);
    stored.metadata = { ...current.metadata, ...stored.metadata, resourceVersion: String(++this.rev) };
    if (p.subresource === 'status') stored.spec = current.spec;
    this.objects.set(this.key(p.collection, p.namespace, p.name ?? ''), stored);
    this.record('MODIFIED', p.collection, stored);
    return clone(stored);
  }

  /** Change a stored object in place and record it (for tests: collection, ns, name, mutate). */
  modify(collection: string, namespace: string, name: string, mutate: (o: KubeObject) => void): KubeObject {
    const obj = clone(this.mustGet({ collection, namespace, name }));
    mutate(obj);
    return this.update({ collection, namespace, name }, obj, true);
  }

  /** Delete a stored object and record it. */
  remove(collection: string, obj: KubeObject): KubeObject {
    const key = this.key(collection, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
    const current = this.objects.get(key);
    if (!current) throw fail(404, 'NotFound', `"${obj.metadata?.name}" not found`);
    this.objects.delete(key);
    const gone = clone(current);
    gone.metadata = { ...gone.metadata, resourceVersion: String(++this.rev) };
    this.record('DELETED', collection, gone);
    return clone(gone);
  }

  private record(type: HistoryEntry['type'], collection: string, obj: KubeObject): void {
    const entry: HistoryEntry = { rev: this.rev, type, collection, obj };
    this.history.push(entry);
    for (const w of this.watches) if (w.collection === collection) this.deliver(w, entry);
  }

  private deliver(w: OpenWatch, h: HistoryEntry): void {
    if (this.inScope(w, h.obj)) this.send(w, h.type, h.obj);
  }

  private inScope(w: { namespace: string; query: Record<string, string> }, obj: KubeObject): boolean {
    if (w.namespace && obj.metadata?.namespace !== w.namespace) return false;
    return matchesSelectors(obj, w.query);
  }

  private send(w: OpenWatch, type: WatchEvent['type'], obj: KubeObject): void {
    if (!w.closed) w.sink.onEvent({ type, object: clone(obj) });
  }

  private closeWatch(w: OpenWatch): void {
    w.closed = true;
    this.watches.delete(w);
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
