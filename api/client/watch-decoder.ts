// Splits a watch response body (newline-delimited JSON, arriving in arbitrary chunks) into
// events. Each line is parsed exactly once; a large object spread over many chunks is joined
// once when its newline arrives, not re-concatenated per chunk.
import type { WatchEvent } from './types.ts';

export class WatchDecoder {
  private readonly text = new TextDecoder('utf-8');
  private pending: string[] = [];

  /** Events completed by this chunk, in order. */
  push(chunk: Uint8Array | string): WatchEvent[] {
    const s = typeof chunk === 'string' ? chunk : this.text.decode(chunk, { stream: true });
    const events: WatchEvent[] = [];
    let start = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
      const piece = s.slice(start, nl);
      const line = this.pending.length > 0 ? this.pending.join('') + piece : piece;
      this.pending = [];
      this.parseLine(line, events);
      start = nl + 1;
    }
    if (start < s.length) this.pending.push(s.slice(start));
    return events;
  }

  /** Whatever is left when the stream ends (a last line without a newline). */
  end(): WatchEvent[] {
    const events: WatchEvent[] = [];
    const rest = this.pending.join('') + this.text.decode();
    this.pending = [];
    this.parseLine(rest, events);
    return events;
  }

  private parseLine(line: string, into: WatchEvent[]): void {
    if (line.trim() === '') return;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      throw new Error(
        `watch stream: malformed event: ${line.length > 200 ? line.slice(0, 200) + '...' : line}`,
      );
    }
    if (typeof ev !== 'object' || ev === null || typeof (ev as WatchEvent).type !== 'string') {
      throw new Error(`watch stream: not a watch event: ${line.slice(0, 200)}`);
    }
    into.push(ev as WatchEvent);
  }
}
