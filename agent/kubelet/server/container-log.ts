// Streams one container instance's CRI log file as `kubectl logs` shows it: the content of
// each entry (partial entries joined), optionally prefixed by its time, from the last N
// entries and/or since a time, up to limitBytes, and with follow: new entries as they are
// written, until the container has exited and everything is read, or the client leaves.
import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { logTimeMillis, parseCriLogLine, type CriLogEntry } from './cri-log.ts';
import type { LogOptions } from './log-options.ts';

export interface LogSink {
  /** Returns false when the sink wants no more (limit reached). */
  write(chunk: Buffer): void;
}

export interface StreamLogOptions extends LogOptions {
  /** Polled while following: false once the container has exited. */
  isRunning?: () => Promise<boolean>;
  signal?: AbortSignal;
  /** How often to look for new entries when no file event came (ms). */
  pollMs?: number;
}

/** Formats entries and enforces limitBytes; `done` once the limit is reached. */
class LogWriter {
  private written = 0;
  private lastPartial = new Map<string, boolean>();
  done = false;

  constructor(
    private readonly sink: LogSink,
    private readonly opts: LogOptions,
  ) {}

  write(entry: CriLogEntry): void {
    if (this.done) return;
    if (this.opts.sinceMs !== undefined && logTimeMillis(entry.time) < this.opts.sinceMs) return;
    // A partial entry's continuation carries no second timestamp, as upstream prints it.
    const prefix =
      this.opts.timestamps && !this.lastPartial.get(entry.stream) ? Buffer.from(`${entry.time} `) : undefined;
    this.lastPartial.set(entry.stream, entry.partial);
    let out = prefix ? Buffer.concat([prefix, entry.content]) : entry.content;
    if (this.opts.limitBytes !== undefined) {
      const left = this.opts.limitBytes - this.written;
      if (out.length >= left) {
        out = out.subarray(0, left);
        this.done = true;
      }
    }
    this.written += out.length;
    if (out.length) this.sink.write(out);
  }
}

/** Splits appended bytes into complete lines, keeping an unfinished tail for later. */
class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    const data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    this.rest = data.subarray(start);
    return lines;
  }
}

async function readFrom(file: FileHandle, position: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (;;) {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(buf, 0, buf.length, position);
    if (bytesRead === 0) return Buffer.concat(chunks);
    chunks.push(buf.subarray(0, bytesRead));
    position += bytesRead;
  }
}

export async function streamContainerLog(path: string, sink: LogSink, opts: StreamLogOptions): Promise<void> {
  const file = await open(path, 'r');
  let watcher: FSWatcher | undefined;
  try {
    const writer = new LogWriter(sink, opts);
    const splitter = new LineSplitter();
    const first = await readFrom(file, 0);
    let position = first.length;
    let entries = splitter.push(first).flatMap((l) => parseCriLogLine(l) ?? []);
    if (opts.tailLines !== undefined) entries = opts.tailLines === 0 ? [] : entries.slice(-opts.tailLines);
    for (const e of entries) writer.write(e);
    if (!opts.follow) return;

    let wake: (() => void) | undefined;
    const nudge = () => wake?.();
    try {
      watcher = watch(path, nudge);
    } catch {
      // No inotify here: polling alone still works.
    }
    opts.signal?.addEventListener('abort', nudge, { once: true });
    const pollMs = opts.pollMs ?? 500;
    let exited = false;
    while (!writer.done && !opts.signal?.aborted) {
      const more = await readFrom(file, position);
      position += more.length;
      for (const line of splitter.push(more)) {
        const e = parseCriLogLine(line);
        if (e) writer.write(e);
      }
      if (more.length > 0) continue;
      // Read everything after the container had exited: nothing more will come.
      if (exited) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      if (opts.isRunning && !(await opts.isRunning())) exited = true;
    }
  } finally {
    watcher?.close();
    await file.close();
  }
}
