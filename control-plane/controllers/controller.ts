// What every workload controller shares (kwok/upstream style): a validated config with an
// injectable clock, a rate-limited work queue of `ns/name` keys fed by shared informers, and
// `start(signal)` running N workers once the caches have synced. Failed syncs are retried with
// per-key exponential backoff; nothing polls.
import {
  isConflict,
  metaNamespaceKey,
  RateLimitingQueue,
  realClock,
  runWorkers,
  silentLogger,
  type Client,
  type Clock,
  type KubeObject,
  type LogFields,
  type Logger,
  type SharedInformerFactory,
} from '../../api/client/index.ts';
import { ApiEventRecorder, type EventRecorder } from '../../api/client/event-recorder.ts';

export interface ControllerConfig {
  client: Client;
  informers: SharedInformerFactory;
  /** Where events go; by default the API, as `<name>-controller`. */
  recorder?: EventRecorder;
  /** Time for conditions, availability and back-off; tests pass a fake one. */
  clock?: Clock;
  logger?: Logger;
  /** Keys synced concurrently (never the same key twice). Default 2. */
  workers?: number;
}

export interface Controller {
  readonly name: string;
  /** Resolves when the signal aborts and the workers have stopped. */
  start(signal: AbortSignal): Promise<void>;
}

/** A logger that adds `fields` (e.g. `{ controller: 'replicaset' }`) to every line. */
export function withFields(logger: Logger, fields: LogFields): Logger {
  return {
    info: (msg, f) => logger.info(msg, { ...fields, ...f }),
    warn: (msg, f) => logger.warn(msg, { ...fields, ...f }),
    error: (msg, f) => logger.error(msg, { ...fields, ...f }),
  };
}

export abstract class QueueController implements Controller {
  readonly queue: RateLimitingQueue<string>;
  protected readonly client: Client;
  protected readonly informers: SharedInformerFactory;
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  protected readonly recorder: EventRecorder;
  private readonly workers: number;

  constructor(
    readonly name: string,
    config: ControllerConfig,
  ) {
    if (!config?.client) throw new Error(`${name} controller: config.client is required`);
    if (!config.informers) throw new Error(`${name} controller: config.informers is required`);
    const workers = config.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(`${name} controller: workers must be a positive integer, got ${workers}`);
    this.client = config.client;
    this.informers = config.informers;
    this.clock = config.clock ?? realClock;
    this.logger = withFields(config.logger ?? silentLogger, { controller: name });
    const recorder =
      config.recorder ??
      new ApiEventRecorder({
        client: config.client,
        component: `${name}-controller`,
        clock: this.clock,
        logger: this.logger,
      });
    // Every decision is an event; log it too, with the object reference (`deployment=ns/web`).
    this.recorder = {
      event: (obj, type, reason, message) => {
        const fields = { [(obj.kind ?? name).toLowerCase()]: metaNamespaceKey(obj), reason };
        if (type === 'Warning') this.logger.warn(message, fields);
        else this.logger.info(message, fields);
        recorder.event(obj, type, reason, message);
      },
    };
    this.workers = workers;
    this.queue = new RateLimitingQueue<string>({ clock: this.clock });
  }

  /** Reconcile one `ns/name`; throw to be retried with backoff. */
  protected abstract sync(key: string): Promise<void>;

  enqueue(objOrKey: KubeObject | string): void {
    this.queue.add(typeof objOrKey === 'string' ? objOrKey : metaNamespaceKey(objOrKey));
  }

  enqueueAfter(objOrKey: KubeObject | string, ms: number): void {
    this.queue.addAfter(typeof objOrKey === 'string' ? objOrKey : metaNamespaceKey(objOrKey), ms);
  }

  async start(signal: AbortSignal): Promise<void> {
    // One abort listener per controller (not one per informer): many controllers share a signal.
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => (onAbort = resolve));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([this.informers.waitForCacheSync(), aborted]);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) return;
    this.logger.info('started', { workers: this.workers });
    await runWorkers({
      queue: this.queue,
      workers: this.workers,
      signal,
      sync: (key) => this.sync(key),
      onError: (key, err, attempts) =>
        // A conflict only means our cache was behind; the retry sees the newer object.
        (isConflict(err) ? this.logger.info : this.logger.warn)('sync failed; retrying', {
          [this.name]: key,
          attempts,
          error: err,
        }),
    });
  }
}

/** An api/types type usable where the client wants a KubeObject. */
export type Kube<T> = T & KubeObject;
