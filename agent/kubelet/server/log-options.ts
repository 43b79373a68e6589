// Query parameters of /containerLogs (the same names as PodLogOptions, which the API server
// passes through): follow, previous, tailLines, sinceSeconds / sinceTime, timestamps, limitBytes.
import { KubeletError } from './status.ts';

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only the last N lines; undefined: all. */
  tailLines?: number;
  /** Only entries at or after this time (epoch ms). */
  sinceMs?: number;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
}

const truthy = (v: string | null) => v === 'true' || v === '1';

function nonNegativeInt(query: URLSearchParams, name: string, min: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new KubeletError(400, `${name}: must be an integer >= ${min}`);
  return n;
}

export function parseLogOptions(query: URLSearchParams, now = Date.now()): LogOptions {
  const opts: LogOptions = {
    follow: truthy(query.get('follow')),
    previous: truthy(query.get('previous')),
    timestamps: truthy(query.get('timestamps')),
    tailLines: nonNegativeInt(query, 'tailLines', 0),
    limitBytes: nonNegativeInt(query, 'limitBytes', 1),
  };
  const sinceSeconds = nonNegativeInt(query, 'sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) {
    throw new KubeletError(400, 'at most one of sinceTime or sinceSeconds may be specified');
  }
  if (sinceSeconds !== undefined) opts.sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new KubeletError(400, `sinceTime: invalid time ${sinceTime}`);
    opts.sinceMs = t;
  }
  return opts;
}
