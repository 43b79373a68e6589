// The reflector keeps a sink in step with the server (client-go tools/cache/reflector.go):
// list, then watch from the list's resourceVersion, forever.
//  - The watch ends (server timeout, dropped connection, server restart): watch again from the
//    last resourceVersion seen. Bookmarks keep it fresh even when nothing of ours changes, so
//    a quiet informer does not fall behind the server's compaction.
//  - 410 Expired (that version is compacted): list again; the sink computes the difference.
//  - Other API errors (403, 500...): list again after a backoff.
//  - Network errors and 429: retry the same step (watch from the last version) after a backoff.
import { ApiError, isExpired, isTooManyRequests } from './api-error.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { realClock, sleep, type Clock } from './clock.ts';
import { consoleLogger, type Logger } from './logger.ts';
import type { ResourceClient } from './resource-client.ts';
import type { WatchStream } from './transport.ts';
import type { KubeObject, Status } from './types.ts';

export interface ReflectorSink<T extends KubeObject> {
  /** The full state after a (re)list. */
  replace(items: T[], resourceVersion: string): void;
  /** One watch event: ADDED, MODIFIED or DELETED. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
}

export interface ReflectorOptions<T extends KubeObject> {
  resource: ResourceClient<T>;
  sink: ReflectorSink<T>;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page. Default 500. */
  pageSize?: number;
  /** Server-side watch timeout, picked at random in [min, 2*min) per watch. Default 300s. */
  minWatchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
}

export const resourceVersionOf = (obj: KubeObject | undefined): string =>
  obj?.metadata?.resourceVersion ?? '';

export class Reflector<T extends KubeObject = KubeObject> {
  private lastRV = '';
  private needList = true;
  private expiredInARow = 0;
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** The error that made the last attempt fail, for diagnostics; cleared on success. */
  lastError: unknown;
  /** Counts, for tests and metrics. */
  readonly stats = { lists: 0, watches: 0, relistsAfterExpired: 0 };

  constructor(private readonly opts: ReflectorOptions<T>) {
    this.backoff = new Backoff(opts.backoff);
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? consoleLogger;
  }

  /** The resourceVersion the next watch starts from. */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  private get what(): string {
    const ref = this.opts.resource.ref;
    return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
  }

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.needList) await this.list(signal);
        const healthy = await this.watch(signal);
        if (!healthy) await sleep(this.backoff.next(), { clock: this.clock, signal });
      } catch (err) {
        if (signal.aborted) break;
        this.lastError = err;
        if (isExpired(err)) {
          // Our version is compacted: list again right away; the sink delivers the difference.
          // Expiring again before any watch worked would spin, so that case backs off.
          this.logger.info('watch expired; relisting', { resource: this.what, resourceVersion: this.lastRV });
          this.stats.relistsAfterExpired++;
          this.needList = true;
          if (this.expiredInARow++ > 0)
            await sleep(this.backoff.next(), { clock: this.clock, signal }).catch(() => {});
          continue;
        }
        // A refusal (403, 500...) may mean our view is off: start over. Overload (429) and
        // network errors just retry the same step.
        if (err instanceof ApiError && !isTooManyRequests(err)) this.needList = true;
        const delay = this.backoff.next();
        this.logger.warn(`${this.needList ? 'list' : 'watch'} failed; retrying`, {
          resource: this.what,
          error: err,
          retryInMs: Math.round(delay),
        });
        await sleep(delay, { clock: this.clock, signal }).catch(() => {});
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    this.stats.lists++;
    const list = await this.opts.resource.listAll({
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      pageSize: this.opts.pageSize ?? 500,
      signal,
    });
    if (signal.aborted) return;
    const rv = list.metadata?.resourceVersion ?? '';
    this.opts.sink.replace(list.items, rv);
    this.lastRV = rv;
    this.needList = false;
    this.lastError = undefined;
  }

  /**
   * One watch from the last version until the stream ends. Returns false when it ended at once
   * without delivering anything (the caller backs off instead of spinning); throws on errors.
   */
  private async watch(signal: AbortSignal): Promise<boolean> {
    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(min * (1 + Math.random()));
    this.stats.watches++;
    const started = this.clock.now();
    const stream: WatchStream<T> = await this.opts.resource.watch({
      resourceVersion: this.lastRV,
      allowWatchBookmarks: true,
      timeoutSeconds,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      signal,
    });
    // In case the server forgets timeoutSeconds, end it ourselves a minute later.
    const guard = this.clock.setTimer((timeoutSeconds + 60) * 1000, () => stream.close());
    let delivered = false;
    try {
      for await (const ev of stream) {
        if (signal.aborted) break;
        switch (ev.type) {
          case 'ADDED':
          case 'MODIFIED':
          case 'DELETED':
            this.opts.sink.apply(ev.type, ev.object);
            this.lastRV = resourceVersionOf(ev.object) || this.lastRV;
            break;
          case 'BOOKMARK':
            this.lastRV = resourceVersionOf(ev.object) || this.lastRV;
            break;
          case 'ERROR':
            throw errorFromEvent(ev.object);
          default:
            this.logger.warn('unknown watch event type; ignored', { resource: this.what, type: ev.type });
        }
        if (!delivered) {
          delivered = true;
          this.backoff.reset();
          this.expiredInARow = 0;
          this.lastError = undefined;
        }
      }
    } finally {
      guard.cancel();
      stream.close();
    }
    const healthy = delivered || this.clock.now() - started >= 1000;
    if (healthy) {
      this.backoff.reset();
      this.expiredInARow = 0;
    }
    return healthy;
  }
}

function errorFromEvent(obj: KubeObject): ApiError {
  if (obj?.kind === 'Status' && typeof obj.code === 'number') return new ApiError(obj as Status);
  return new ApiError({
    kind: 'Status',
    status: 'Failure',
    code: 500,
    reason: 'InternalError',
    message: `watch error: ${JSON.stringify(obj)}`,
  });
}
