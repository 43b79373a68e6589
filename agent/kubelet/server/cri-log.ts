// The CRI container log format the runtime writes (one line per chunk of output):
//   2016-10-06T00:17:09.669794202Z stdout F hello world
// time (RFC 3339 with nanoseconds), stream, tag (F: full line, P: partial, continued by the
// next entry of the same stream), then the content. Upstream: kubelet/kuberuntime/logs.
export interface CriLogEntry {
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  /** The content, with the newline restored for full lines. */
  content: Buffer;
}

export function parseCriLogLine(line: Buffer): CriLogEntry | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const stream = line.toString('latin1', s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  // Older runtimes wrote no tag: "time stream content".
  const tag = s3 < 0 ? '' : line.toString('latin1', s2 + 1, s3);
  const tagged = tag === 'F' || tag === 'P' || tag.startsWith('F:') || tag.startsWith('P:');
  const partial = tagged && tag.startsWith('P');
  const body = tagged ? line.subarray(s3 + 1) : line.subarray(s2 + 1);
  return {
    time: line.toString('latin1', 0, s1),
    stream,
    partial,
    content: partial ? body : Buffer.concat([body, Buffer.from('\n')]),
  };
}

/** Nanosecond-precision RFC 3339 time to epoch milliseconds (precision beyond ms is dropped). */
export function logTimeMillis(time: string): number {
  return Date.parse(time.replace(/(\.\d{3})\d+/, '$1'));
}
