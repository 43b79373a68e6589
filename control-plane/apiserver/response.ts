// Writing answers: every response carries an Audit-Id, `Cache-Control: no-cache, private` and
// the request's warnings, like upstream's filters; bodies are JSON (or YAML when asked) with a
// Content-Length so keep-alive connections need no chunking. Errors become Status objects.
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { CompactedError, FutureRevisionError, KeyExistsError, StoreClosedError } from '../storage/errors.ts';
import { StatusError, gone, internalError, resourceVersionTooLarge, type Status } from './status.ts';

export interface ResponseMeta {
  auditId: string;
  warnings?: string[];
  pretty?: boolean;
  format?: 'json' | 'yaml';
  /** Overrides the Content-Type derived from `format`. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Upstream's Warning header form: `299 - "text"`, with quotes and backslashes escaped. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ')}"`;
}

export function baseHeaders(meta: ResponseMeta): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {
    'Audit-Id': meta.auditId,
    'Cache-Control': 'no-cache, private',
  };
  if (meta.warnings && meta.warnings.length > 0) headers['Warning'] = meta.warnings.map(warningHeader);
  if (meta.headers) Object.assign(headers, meta.headers);
  return headers;
}

export function encode(obj: unknown, format: 'json' | 'yaml' = 'json', pretty = false): string {
  if (format === 'yaml') return toYaml(obj);
  return pretty ? `${JSON.stringify(obj, null, 2)}\n` : JSON.stringify(obj);
}

export function writeObject(res: ServerResponse, code: number, obj: unknown, meta: ResponseMeta): void {
  const format = meta.format ?? 'json';
  writeBody(res, code, encode(obj, format, meta.pretty), meta);
}

/** Write an already-encoded body (discovery and OpenAPI documents are encoded once). */
export function writeBody(
  res: ServerResponse,
  code: number,
  body: string | Buffer,
  meta: ResponseMeta,
): void {
  const headers = baseHeaders(meta);
  headers['Content-Type'] =
    meta.contentType ?? (meta.format === 'yaml' ? 'application/yaml' : 'application/json');
  // Encoded to UTF-8 once: its length is the header, the same bytes are the body.
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  headers['Content-Length'] = String(bytes.length);
  res.writeHead(code, headers);
  res.end(bytes);
}

/** Map anything thrown below the HTTP layer to a Status (one place, like kine's error mapping). */
export function toStatus(err: unknown): { status: Status; unexpected: boolean } {
  if (err instanceof StatusError) return { status: err.status, unexpected: false };
  if (err instanceof CompactedError || (err as Error)?.name === 'CompactedError')
    return {
      status: gone(
        `too old resource version: ${(err as CompactedError).requested} (${(err as CompactedError).compacted + 1})`,
      ).status,
      unexpected: false,
    };
  if (err instanceof FutureRevisionError || (err as Error)?.name === 'FutureRevisionError')
    return {
      status: resourceVersionTooLarge(
        (err as FutureRevisionError).requested,
        (err as FutureRevisionError).current,
      ).status,
      unexpected: false,
    };
  if (err instanceof KeyExistsError) return { status: internalError(err).status, unexpected: true };
  if (err instanceof StoreClosedError) return { status: internalError(err).status, unexpected: false };
  return { status: internalError(err).status, unexpected: true };
}

export function writeStatus(res: ServerResponse, status: Status, meta: ResponseMeta): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (status.details?.retryAfterSeconds) headers['Retry-After'] = String(status.details.retryAfterSeconds);
  if (meta.headers) Object.assign(headers, meta.headers);
  // Errors are always JSON: kubectl decodes Status from JSON whatever it asked for.
  writeObject(res, status.code, status, { ...meta, format: 'json', contentType: undefined, headers });
}
