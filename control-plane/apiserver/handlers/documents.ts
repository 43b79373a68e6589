// Serving documents encoded once (discovery, OpenAPI): ETag and If-None-Match (304), like
// upstream's discovery and OpenAPI handlers, so clients can revalidate their caches cheaply.
import { writeBody } from '../response.ts';
import type { Call } from './call.ts';

export interface Document {
  /** JSON text, or bytes for a binary encoding (the OpenAPI v2 protobuf). */
  body: string | Buffer;
  etag: string;
  contentType: string;
}

export function serveDocument(call: Call, doc: Document, extraHeaders?: Record<string, string>): void {
  const headers: Record<string, string> = { ETag: doc.etag, Vary: 'Accept', ...extraHeaders };
  if (call.req.headers['if-none-match'] === doc.etag) {
    call.res.writeHead(304, { ...headers, 'Audit-Id': call.auditId, 'Cache-Control': 'no-cache, private' });
    call.res.end();
    return;
  }
  const body =
    call.pretty && typeof doc.body === 'string'
      ? `${JSON.stringify(JSON.parse(doc.body), null, 2)}\n`
      : doc.body;
  writeBody(call.res, 200, body, { auditId: call.auditId, contentType: doc.contentType, headers });
}
