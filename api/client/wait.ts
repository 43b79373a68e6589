// Waiting for conditions: polling a function, or (cheaper and immediate) re-checking on every
// informer event. Timeouts fail with a message that says what was awaited and what was seen.
import { realClock, type Clock, type Timer } from './clock.ts';
import type { SharedIndexInformer } from './informer.ts';
import type { KubeObject } from './types.ts';

export class WaitTimeoutError extends Error {
  constructor(
    message: string,
    readonly lastError?: unknown,
  ) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** What is awaited, for the error message: `pod default/web to be Running`. */
  description?: string;
  signal?: AbortSignal;
  clock?: Clock;
}

export interface PollOptions extends WaitOptions {
  /** Between checks. Default 100ms. */
  intervalMs?: number;
  /** Treat a throwing check as "not yet" (and report the last error on timeout) instead of failing. */
  retryOnError?: boolean;
}

type Check<R> = () => R | undefined | null | false | Promise<R | undefined | null | false>;

const describe = (d: string | undefined) => d ?? 'the condition';
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Calls `check` until it returns a truthy value (which is returned), the timeout passes, or the signal aborts. */
export async function pollUntil<R>(check: Check<R>, opts: PollOptions): Promise<R> {
  const clock = opts.clock ?? realClock;
  const deadline = clock.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    try {
      const r = await check();
      if (r) return r;
    } catch (err) {
      if (!opts.retryOnError) throw err;
      lastError = err;
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      const why = lastError === undefined ? '' : `; last error: ${errText(lastError)}`;
      throw new WaitTimeoutError(
        `timed out after ${opts.timeoutMs}ms waiting for ${describe(opts.description)}${why}`,
        lastError,
      );
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        timer.cancel();
        reject(opts.signal?.reason);
      };
      const timer = clock.setTimer(Math.min(interval, left), () => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * Re-evaluates `check` (which usually reads the informer's store) once the informer has synced
 * and after every event, until it returns a truthy value.
 */
export function waitFor<T extends KubeObject, R>(
  informer: SharedIndexInformer<T>,
  check: () => R | undefined | null | false,
  opts: WaitOptions,
): Promise<R> {
  return waitOnEvents(
    informer,
    () => undefined,
    check,
    opts,
    () => '',
  );
}

/**
 * Waits until the object under `key` (`ns/name`) satisfies `predicate`; it sees undefined while
 * the object does not exist, so `(o) => !o` waits for a deletion. Only events on that key
 * re-check, so this costs O(1) per event however big the cache is.
 */
export function waitForObject<T extends KubeObject>(
  informer: SharedIndexInformer<T>,
  key: string,
  predicate: (obj: T | undefined) => boolean,
  opts: WaitOptions,
): Promise<T | undefined> {
  const check = () => {
    const obj = informer.get(key);
    return predicate(obj) ? { obj } : undefined;
  };
  const seen = () => {
    const obj = informer.get(key);
    if (!obj) return `; ${key} does not exist`;
    const text = JSON.stringify({
      metadata: { resourceVersion: obj.metadata?.resourceVersion },
      spec: obj.spec,
      status: obj.status,
    });
    return `; last seen: ${text.length > 400 ? text.slice(0, 400) + '...' : text}`;
  };
  return waitOnEvents(
    informer,
    (k) => k === key,
    check,
    { description: `${informer.resourceName} ${key}`, ...opts },
    seen,
  ).then((r) => r.obj);
}

function waitOnEvents<T extends KubeObject, R>(
  informer: SharedIndexInformer<T>,
  relevant: (key: string) => boolean | undefined,
  check: () => R | undefined | null | false,
  opts: WaitOptions,
  seen: () => string,
): Promise<R> {
  const clock = opts.clock ?? realClock;
  return new Promise<R>((resolve, reject) => {
    let timer: Timer | undefined = undefined;
    let settled = false;
    // Handler registration replays the cache as adds; ignore those, one check follows.
    let registered = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      registration.remove();
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const evaluate = (key?: string) => {
      if (settled || !registered || !informer.hasSynced()) return;
      if (key !== undefined && relevant(key) === false) return;
      let r: R | undefined | null | false;
      try {
        r = check();
      } catch (err) {
        return finish(() => reject(err));
      }
      if (r) finish(() => resolve(r as R));
    };
    const keyOf = (o: T) => informer.store.keyOf(o);
    const registration = informer.addEventHandler({
      onAdd: (o) => evaluate(keyOf(o)),
      onUpdate: (_old, o) => evaluate(keyOf(o)),
      onDelete: (o) => evaluate(keyOf(o)),
    });
    registered = true;
    const onAbort = () => finish(() => reject(opts.signal?.reason));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    timer = clock.setTimer(opts.timeoutMs, () =>
      finish(() =>
        reject(
          new WaitTimeoutError(
            `timed out after ${opts.timeoutMs}ms waiting for ${describe(opts.description)}${informer.hasSynced() ? seen() : '; the informer never synced'}`,
          ),
        ),
      ),
    );
    // Not-yet-synced informers re-check on the sync's adds; a synced one is checked now.
    if (informer.hasSynced()) evaluate();
    else
      informer.waitForSync({ signal: opts.signal }).then(
        () => evaluate(),
        () => {},
      );
  });
}
