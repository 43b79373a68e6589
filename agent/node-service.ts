// The shape shared by the agent's node services (cluster DNS, the ingress): start, retrying while
// the address is still held (say by the agent this one replaces); then announce it with an
// annotation on the Node, which controllers wait for; at shutdown take the annotation back.
import type { Client, Logger } from '../api/client/index.ts';

export interface NodeServiceOptions<T extends { close(): Promise<void> }> {
  /** For log lines: "cluster DNS", "the ingress". */
  what: string;
  start(signal: AbortSignal): Promise<T>;
  client: Client;
  /** Without a node name nothing is annotated. */
  nodeName?: string;
  annotation: string;
  /** The annotation's value for a running service. */
  value(running: T): string;
  logger: Logger;
  /** Extra fields for the "could not start" warning. */
  context?: Record<string, unknown>;
}

/** Runs until the signal aborts. */
export async function runNodeService<T extends { close(): Promise<void> }>(
  opts: NodeServiceOptions<T>,
  signal: AbortSignal,
): Promise<void> {
  const { logger } = opts;
  let running: T | undefined;
  while (!signal.aborted && !running) {
    // Each attempt gets its own signal: a failed one must stop the informers it started, or every
    // retry leaves its watches running and another listener on the agent's signal.
    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort();
    signal.addEventListener('abort', stopAttempt, { once: true });
    try {
      running = await opts.start(attempt.signal);
    } catch (err) {
      attempt.abort();
      signal.removeEventListener('abort', stopAttempt);
      if (signal.aborted) return;
      logger.warn(`${opts.what} could not start; retrying`, { ...opts.context, error: String(err) });
      await sleep(5000, signal);
    }
  }
  if (!running) return;
  const mark = (value: string | null) =>
    opts.nodeName
      ? opts.client
          .resource('v1', 'Node')
          .patch(opts.nodeName, 'merge', { metadata: { annotations: { [opts.annotation]: value } } })
      : Promise.resolve();
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      await mark(opts.value(running));
      break;
    } catch (err) {
      logger.warn(`marking the node as running ${opts.what} failed; retrying`, {
        error: String(err),
        attempt,
      });
      await sleep(2000, signal);
    }
  }
  await new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await mark(null).catch(() => {});
  await running.close();
}

/** Resolves after `ms`, or at once when the signal aborts (a stopping agent waits for no retry). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
