// Progress events (contract 7): one JSON object per line in the cluster's events.jsonl, written
// by the supervisor and read by the CLI and the app, so progress survives whoever started it.
//   { time, cluster, step, node?, status: started|progress|done|failed, elapsedMs, message?, hint? }
// Steps per node, in order: `create node`, `SSH up`, `install agent`, `agent up`, `node Ready`;
// cluster-wide: `control plane`, `cluster` (its done/failed is the end of a create or start).
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

export type ProgressStatus = 'started' | 'progress' | 'done' | 'failed';

export interface ProgressEvent {
  time: string;
  cluster: string;
  step: string;
  node?: string;
  status: ProgressStatus;
  elapsedMs: number;
  message?: string;
  hint?: string;
}

export const NODE_STEPS = ['create node', 'SSH up', 'install agent', 'agent up', 'node Ready'] as const;
/** The last event of a create or start: status done (ready) or failed. */
export const CLUSTER_STEP = 'cluster';

export class ProgressLog {
  constructor(
    readonly file: string,
    readonly cluster: string,
    private readonly echo?: (event: ProgressEvent) => void,
  ) {}

  emit(event: Omit<ProgressEvent, 'time' | 'cluster'>): ProgressEvent {
    const full: ProgressEvent = { time: new Date().toISOString(), cluster: this.cluster, ...event };
    appendFileSync(this.file, `${JSON.stringify(full)}\n`);
    this.echo?.(full);
    return full;
  }

  /** Runs one step: started, then done with its elapsed time, or failed with the error. */
  async step<T>(
    step: string,
    node: string | undefined,
    run: (progress: (message: string) => void) => Promise<T>,
    describe?: (result: T) => string | undefined,
  ): Promise<T> {
    const started = Date.now();
    const elapsedMs = () => Date.now() - started;
    this.emit({ step, node, status: 'started', elapsedMs: 0 });
    try {
      const result = await run((message) =>
        this.emit({ step, node, status: 'progress', elapsedMs: elapsedMs(), message }),
      );
      this.emit({ step, node, status: 'done', elapsedMs: elapsedMs(), message: describe?.(result) });
      return result;
    } catch (error) {
      const err = error as Error & { hint?: string };
      if (!(err as { reported?: boolean }).reported) {
        this.emit({
          step,
          node,
          status: 'failed',
          elapsedMs: elapsedMs(),
          message: err.message,
          hint: err.hint,
        });
        (err as { reported?: boolean }).reported = true;
        (err as { step?: string }).step ??= step;
      }
      throw err;
    }
  }
}

/** One event as a log line: `<time> <node|cluster> <step> <status> <elapsed>: <message> (hint: ...)`. */
export function progressLogLine(e: ProgressEvent): string {
  const elapsed = e.status === 'started' ? '' : ` ${(e.elapsedMs / 1000).toFixed(1)}s`;
  const message = e.message ? `: ${e.message}` : '';
  const hint = e.hint ? ` (hint: ${e.hint})` : '';
  return `${e.time} ${e.node ?? 'cluster'} ${e.step} ${e.status}${elapsed}${message}${hint}\n`;
}

export function parseProgress(text: string): ProgressEvent[] {
  const events: ProgressEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as ProgressEvent);
    } catch {
      // A line being written right now: the next read has it whole.
    }
  }
  return events;
}

export function readProgressFile(file: string): ProgressEvent[] {
  return existsSync(file) ? parseProgress(readFileSync(file, 'utf8')) : [];
}

/**
 * Calls back for every event in the file (from the start, or only new ones with fromStart:
 * false) and for every event appended later, polling; returns a function that stops following.
 */
export function followProgressFile(
  file: string,
  cb: (event: ProgressEvent) => void,
  opts: { fromStart?: boolean; intervalMs?: number } = { fromStart: true },
): () => void {
  let offset = opts.fromStart === false && existsSync(file) ? statSync(file).size : 0;
  let partial = '';
  let stopped = false;
  const poll = () => {
    if (stopped || !existsSync(file)) return;
    const size = statSync(file).size;
    if (size < offset) offset = 0; // truncated: a new run
    if (size === offset) return;
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      readSync(fd, buffer, 0, buffer.length, offset);
      offset = size;
      const text = partial + buffer.toString('utf8');
      const lastNewline = text.lastIndexOf('\n');
      partial = text.slice(lastNewline + 1);
      for (const event of parseProgress(text.slice(0, lastNewline + 1))) cb(event);
    } finally {
      closeSync(fd);
    }
  };
  poll();
  const timer = setInterval(poll, opts.intervalMs ?? 200);
  return () => {
    poll(); // what was written before the caller decided to stop
    stopped = true;
    clearInterval(timer);
  };
}
