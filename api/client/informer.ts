// A shared index informer (client-go tools/cache/shared_informer.go): one reflector keeps one
// indexed store in step with the server, and every registered handler hears about each change
// once, in order, after the store already reflects it.
//
// After a relist (first sync, or 410 Expired) handlers get exactly the difference against what
// they saw: adds for new objects, updates for objects whose resourceVersion changed, and deletes
// (finalStateUnknown = true) for objects that vanished while we were not watching.
//
// Handlers run synchronously and must be quick (typically: put a key on a work queue). Objects
// are shared between the store and every handler: treat them as read-only; copy before changing.
import { realClock, type Clock, type Timer } from './clock.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { Reflector, resourceVersionOf, type ReflectorOptions } from './reflector.ts';
import type { ResourceClient } from './resource-client.ts';
import { indexByNamespace, namespaceIndex, Store, type Indexers } from './store.ts';
import type { KubeObject } from './types.ts';

export interface EventHandler<T extends KubeObject = KubeObject> {
  /** isInInitialList: part of the first list (or replayed to a handler added later). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** old === new (same object) on a periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** finalStateUnknown: we missed the deletion (found out on relist); obj is the last state we saw. */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

export interface HandlerRegistration {
  remove(): void;
  hasSynced(): boolean;
}

export interface InformerOptions<T extends KubeObject> {
  /** The resource, already scoped with .namespace(ns) to watch one namespace only. */
  resource: ResourceClient<T>;
  labelSelector?: string;
  fieldSelector?: string;
  /** Extra indexes; a 'namespace' index is always there. */
  indexers?: Indexers<T>;
  clock?: Clock;
  logger?: Logger;
  pageSize?: number;
  minWatchTimeoutSeconds?: number;
  backoff?: ReflectorOptions<T>['backoff'];
}

interface Listener<T extends KubeObject> {
  handler: EventHandler<T>;
  resyncMs: number;
  timer?: Timer;
}

export class SharedIndexInformer<T extends KubeObject = KubeObject> {
  readonly store: Store<T>;
  readonly reflector: Reflector<T>;
  private listeners: Listener<T>[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private running: Promise<void> | undefined;
  private signal: AbortSignal | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(readonly opts: InformerOptions<T>) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? consoleLogger;
    this.store = new Store<T>({ [namespaceIndex]: indexByNamespace, ...opts.indexers });
    this.reflector = new Reflector<T>({
      resource: opts.resource,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      pageSize: opts.pageSize,
      minWatchTimeoutSeconds: opts.minWatchTimeoutSeconds,
      backoff: opts.backoff,
      clock: this.clock,
      logger: this.logger,
      sink: { replace: (items) => this.replace(items), apply: (type, obj) => this.apply(type, obj) },
    });
  }

  /** `pods`, `deployments.apps` (for messages). */
  get resourceName(): string {
    const ref = this.opts.resource.ref;
    return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
  }

  /**
   * Register a handler. If objects are already known it first gets an add for each of them.
   * With resyncMs, it also gets onUpdate(obj, obj) for every object that often.
   */
  addEventHandler(handler: EventHandler<T>, opts: { resyncMs?: number } = {}): HandlerRegistration {
    const listener: Listener<T> = { handler, resyncMs: opts.resyncMs ?? 0 };
    this.listeners = [...this.listeners, listener];
    if (handler.onAdd) for (const obj of this.store.values()) this.call(() => handler.onAdd?.(obj, true));
    if (this.signal && !this.signal.aborted) this.scheduleResync(listener);
    return {
      remove: () => {
        listener.timer?.cancel();
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
      hasSynced: () => this.synced,
    };
  }

  addIndexers(indexers: Indexers<T>): void {
    this.store.addIndexers(indexers);
  }

  /** Start list+watch (idempotent). Resolves when the signal aborts and the loop has stopped. */
  run(signal: AbortSignal): Promise<void> {
    if (this.running) return this.running;
    this.signal = signal;
    for (const l of this.listeners) this.scheduleResync(l);
    const stopTimers = () => {
      for (const l of this.listeners) l.timer?.cancel();
    };
    signal.addEventListener('abort', stopTimers, { once: true });
    this.running = this.reflector.run(signal).finally(() => {
      stopTimers();
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
    });
    return this.running;
  }

  /** True once the first list is in the store. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects on timeout or abort with what went wrong last. */
  waitForSync(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: Timer | undefined;
      const fail = (why: string) => {
        const last = this.reflector.lastError;
        const detail = last ? `: last error: ${last instanceof Error ? last.message : String(last)}` : '';
        reject(new Error(`informer for ${this.resourceName} ${why}${detail}`));
      };
      const onAbort = () => {
        timer?.cancel();
        fail('stopped before it synced');
      };
      const done = () => {
        timer?.cancel();
        opts.signal?.removeEventListener('abort', onAbort);
        if (this.synced) resolve();
        else fail('stopped before it synced');
      };
      this.syncWaiters.push(done);
      if (opts.signal) {
        if (opts.signal.aborted) return onAbort();
        opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      if (opts.timeoutMs !== undefined) {
        timer = this.clock.setTimer(opts.timeoutMs, () => {
          this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
          opts.signal?.removeEventListener('abort', onAbort);
          fail(`did not sync within ${opts.timeoutMs}ms`);
        });
      }
    });
  }

  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion();
  }

  // Reading the cache.
  get(key: string): T | undefined {
    return this.store.get(key);
  }
  list(): T[] {
    return this.store.list();
  }
  byIndex(indexName: string, value: string): T[] {
    return this.store.byIndex(indexName, value);
  }

  private replace(items: T[]): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = this.store.keyOf(obj);
      seen.add(key);
      const old = this.store.get(key);
      if (old === undefined) {
        this.store.upsert(obj);
        this.dispatch((h) => h.onAdd?.(obj, initial));
      } else if (resourceVersionOf(old) !== resourceVersionOf(obj)) {
        this.store.upsert(obj);
        this.dispatch((h) => h.onUpdate?.(old, obj));
      }
    }
    if (seen.size < this.store.size) {
      const gone: string[] = [];
      for (const key of this.store.keys()) if (!seen.has(key)) gone.push(key);
      for (const key of gone) {
        const old = this.store.delete(key) as T;
        this.dispatch((h) => h.onDelete?.(old, true));
      }
    }
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    if (type === 'DELETED') {
      this.store.delete(this.store.keyOf(obj));
      this.dispatch((h) => h.onDelete?.(obj, false));
      return;
    }
    const old = this.store.upsert(obj);
    if (old === undefined) this.dispatch((h) => h.onAdd?.(obj, false));
    else this.dispatch((h) => h.onUpdate?.(old, obj));
  }

  private dispatch(deliver: (h: EventHandler<T>) => void): void {
    // A snapshot: a handler added during delivery already got this object in its replay.
    const listeners = this.listeners;
    for (const l of listeners) this.call(() => deliver(l.handler));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error('informer event handler failed', { resource: this.resourceName, error: err });
    }
  }

  private scheduleResync(l: Listener<T>): void {
    if (l.resyncMs <= 0 || !l.handler.onUpdate) return;
    l.timer = this.clock.setTimer(l.resyncMs, () => {
      if (!this.listeners.includes(l) || this.signal?.aborted) return;
      if (this.synced) for (const obj of this.store.values()) this.call(() => l.handler.onUpdate?.(obj, obj));
      this.scheduleResync(l);
    });
  }
}
