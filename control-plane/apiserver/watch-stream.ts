// Serving a watch: one chunked HTTP/1.1 response of newline-delimited `{"type","object"}`
// events, written (and so flushed) one per event. The stream ends when the client goes away,
// when timeoutSeconds (or upstream's randomised default) passes, when the registry ends it (an
// ERROR event carries the reason, e.g. 410 Expired), or when the server shuts down.
import type { ServerResponse } from 'node:http';
import { encodedJson } from './registry/decoded-cache.ts';
import type { KubeObject, WatchEvent, WatchStream } from './registry/types.ts';
import { baseHeaders, toStatus } from './response.ts';

/** Upstream's default: between minRequestTimeout (30 min) and twice that, so clients spread out. */
const minRequestTimeoutSeconds = 1800;

/** A client that stops reading is dropped (it will re-list) instead of buffering without bound. */
const maxBufferedBytes = 16 * 1024 * 1024;

/** Watches in progress, so shutdown can end them. */
export class WatchTracker {
  private readonly active = new Set<() => void>();
  add(end: () => void): () => void {
    this.active.add(end);
    return () => this.active.delete(end);
  }
  get size(): number {
    return this.active.size;
  }
  endAll(): void {
    for (const end of [...this.active]) end();
  }
}

export interface WatchServeOptions {
  auditId: string;
  contentType: string;
  timeoutSeconds?: number;
  tracker: WatchTracker;
  /** Reshape each event's object (Table, PartialObjectMetadata); identity when absent. */
  transform?: (obj: any, first: boolean) => unknown;
  /** Starts the registry watch; events before it resolves are queued by the caller's registry. */
  start: (onEvent: (ev: WatchEvent) => void, onClose: (err?: Error) => void) => Promise<WatchStream>;
  log: (msg: string, err?: unknown) => void;
}

export async function serveWatch(res: ServerResponse, opts: WatchServeOptions): Promise<void> {
  let stream: WatchStream | undefined;
  let ended = false;
  let first = true;
  let timer: NodeJS.Timeout | undefined = undefined;
  let untrack: () => void = () => {};
  // Events that arrive while the registry is still starting the watch wait for the headers.
  let pending: string[] | undefined = [];

  const end = () => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    untrack();
    try {
      stream?.close();
    } catch (err) {
      opts.log('closing watch', err);
    }
    if (!res.writableEnded && !res.destroyed) {
      if (!res.headersSent)
        // Ended during setup (shutdown, or the registry closed it at once): send what was queued.
        res.writeHead(200, { ...baseHeaders({ auditId: opts.auditId }), 'Content-Type': opts.contentType });
      if (pending) for (const line of pending) res.write(line);
      pending = undefined;
      res.end();
    }
  };

  const write = (type: string, object: unknown) => {
    if (ended || res.destroyed) return;
    // A shared decoded object's JSON is made once for every watcher of the event (and every LIST).
    const line = `{"type":"${type}","object":${encodedJson(object as KubeObject)}}\n`;
    if (pending) {
      pending.push(line);
      return;
    }
    res.write(line);
    if (res.writableLength > maxBufferedBytes) {
      opts.log(`dropping a watch whose client is not reading (${res.writableLength} bytes buffered)`);
      res.destroy();
      end();
    }
  };

  const onEvent = (ev: WatchEvent) => {
    if (ended) return;
    try {
      const object =
        opts.transform && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK'
          ? opts.transform(ev.object, first)
          : ev.object;
      first = false;
      write(ev.type, object);
    } catch (err) {
      opts.log('encoding watch event', err);
      write('ERROR', toStatus(err).status);
      end();
    }
  };

  const onClose = (err?: Error) => {
    if (ended) return;
    if (err) write('ERROR', toStatus(err).status);
    end();
  };

  untrack = opts.tracker.add(end);
  res.on('close', end);

  // Errors while starting (bad selector, expired resourceVersion) propagate to the caller, which
  // answers them as a plain Status before any header is sent.
  try {
    stream = await opts.start(onEvent, onClose);
  } catch (err) {
    ended = true;
    untrack();
    res.off('close', end);
    throw err;
  }
  if (ended) {
    stream.close();
    return;
  }
  res.writeHead(200, { ...baseHeaders({ auditId: opts.auditId }), 'Content-Type': opts.contentType });
  // Send the headers now: clients wait for them before they consider the watch established.
  res.flushHeaders();
  const queued = pending;
  pending = undefined;
  for (const line of queued) res.write(line);
  const seconds =
    opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0
      ? opts.timeoutSeconds
      : minRequestTimeoutSeconds * (1 + Math.random());
  timer = setTimeout(end, seconds * 1000);
  timer.unref();
}
