// WATCH: store events turned into API watch events for one client, like upstream's cacher:
//  - resourceVersion "" or "0" (or sendInitialEvents=true): the current state as ADDED events,
//    then every change after the revision that state was read at; otherwise the changes after
//    the given revision, or an ERROR event with 410 Expired when it was compacted;
//  - selectors are applied to both sides of an update, so an object that stops matching is
//    sent as DELETED (its previous state at the new revision) and one that starts as ADDED;
//  - BOOKMARK events (an object with only metadata.resourceVersion) every bookmark interval and
//    when the watch times out, if the client allows them; sendInitialEvents ends the initial
//    state with a bookmark annotated k8s.io/initial-events-end.
// Work per event is one decode shared by all watchers of the resource, plus a selector match.
import { CompactedError } from '../../storage/errors.ts';
import type { WatchEvent as StoreEvent, Watcher } from '../../storage/types.ts';
import { gone, StatusError } from '../status.ts';
import type { StoreContext } from './context.ts';
import { fromStorageError } from './errors.ts';
import { narrowedNamespace } from './list.ts';
import { parseResourceVersion, validateListOptions } from './list-options.ts';
import { compileSelection, type Selection } from './selection.ts';
import type { KubeObject, WatchEvent, WatchEventType, WatchOptions, WatchStream } from './types.ts';

export const initialEventsEndAnnotation = 'k8s.io/initial-events-end';

const initialListPage = 1000;

export async function watch(
  s: StoreContext,
  namespace: string,
  opts: WatchOptions,
  onEvent: (ev: WatchEvent) => void,
  onClose: (err?: Error) => void,
): Promise<WatchStream> {
  validateListOptions(opts, true);
  const selection = compileSelection(s.type, opts);
  const prefix = s.keys.prefix(narrowedNamespace(s, namespace, selection));
  const rv = opts.resourceVersion ?? '';
  const sendInitial = opts.sendInitialEvents ?? (rv === '' || rv === '0');
  const requested = rv === '' || rv === '0' ? 0 : parseResourceVersion(rv);

  const w = new ClientWatch(s, selection, opts, onEvent, onClose);
  let start: number;
  try {
    if (sendInitial) {
      start = await w.sendCurrentState(prefix);
      if (opts.sendInitialEvents) w.bookmark(start, true);
    } else {
      start = requested || (await s.backend.currentRevision());
    }
  } catch (err) {
    throw fromStorageError(err, s.gr, '');
  }
  w.follow(prefix, start);
  return { close: () => w.stop() };
}

class ClientWatch {
  private watcher?: Watcher;
  private timers: NodeJS.Timeout[] = [];
  /** The revision the client has seen everything up to. */
  private revision = 0;
  private done = false;

  constructor(
    private readonly s: StoreContext,
    private readonly selection: Selection,
    private readonly opts: WatchOptions,
    private readonly onEvent: (ev: WatchEvent) => void,
    private readonly onClose: (err?: Error) => void,
  ) {}

  /** ADDED for every matching object now; returns the revision that state was read at. */
  async sendCurrentState(prefix: string): Promise<number> {
    let revision = 0;
    let startKey = prefix;
    for (;;) {
      const page = await this.s.backend.list(prefix, { startKey, limit: initialListPage, revision });
      revision = page.revision;
      for (const kv of page.kvs) {
        const obj = this.s.codec.decode(kv);
        if (this.selection.matches(obj)) this.emit('ADDED', obj);
      }
      if (!page.more || page.kvs.length === 0) break;
      startKey = `${page.kvs[page.kvs.length - 1]!.key}\x00`;
    }
    this.revision = revision;
    return revision;
  }

  follow(prefix: string, after: number): void {
    if (this.done) return;
    this.revision = Math.max(this.revision, after);
    try {
      this.watcher = this.s.backend.watch(prefix, after, {
        onEvents: (events) => this.deliver(events),
        onProgress: (revision) => {
          this.revision = Math.max(this.revision, revision);
        },
        onError: (err) => this.fail(err, after),
      });
    } catch (err) {
      this.fail(err, after);
      return;
    }
    if (this.opts.allowWatchBookmarks) {
      const every = this.s.bookmarkIntervalMs;
      this.timers.push(setInterval(() => this.bookmark(this.revision, false), every));
    }
    if (this.opts.timeoutSeconds && this.opts.timeoutSeconds > 0) {
      this.timers.push(setTimeout(() => this.timeout(), this.opts.timeoutSeconds * 1000));
    }
  }

  bookmark(revision: number, initialEventsEnd: boolean): void {
    const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
    if (initialEventsEnd) metadata.annotations = { [initialEventsEndAnnotation]: 'true' };
    this.emit('BOOKMARK', { apiVersion: this.s.apiVersion, kind: this.s.type.kind, metadata });
  }

  stop(): void {
    this.done = true;
    this.watcher?.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private deliver(events: StoreEvent[]): void {
    for (const ev of events) {
      if (this.done) return;
      const rev = ev.kv.modRevision;
      const obj = this.s.decoded.get(ev.kv, rev);
      if (ev.type === 'create') {
        if (this.selection.matches(obj)) this.emit('ADDED', obj);
      } else if (ev.type === 'delete') {
        if (this.selection.matches(obj)) this.emit('DELETED', obj);
      } else if (this.selection.empty) {
        this.emit('MODIFIED', obj);
      } else {
        const now = this.selection.matches(obj);
        const before = ev.prevKv ? this.selection.matches(this.s.decoded.get(ev.prevKv)) : false;
        if (now) this.emit(before ? 'MODIFIED' : 'ADDED', obj);
        else if (before) this.emit('DELETED', atRevision(this.s.decoded.get(ev.prevKv!), rev));
      }
      this.revision = Math.max(this.revision, rev);
    }
  }

  private emit(type: WatchEventType, object: KubeObject): void {
    if (this.done) return;
    try {
      this.onEvent({ type, object });
    } catch (err) {
      // The consumer could not take the event (a broken connection): end the watch.
      this.end(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private timeout(): void {
    if (this.opts.allowWatchBookmarks) this.bookmark(this.revision, false);
    this.end();
  }

  private fail(err: unknown, after: number): void {
    if (err instanceof CompactedError) {
      const expired = gone(`too old resource version: ${after} (${err.compacted})`);
      this.emit('ERROR', expired.status as unknown as KubeObject);
      this.end();
    } else {
      this.end(err instanceof StatusError ? err : fromStorageError(err, this.s.gr, ''));
    }
  }

  private end(err?: Error): void {
    if (this.done) return;
    this.stop();
    this.onClose(err);
  }
}

/** The same object reported at a later revision (a DELETED for an object leaving the selection). */
function atRevision(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}
