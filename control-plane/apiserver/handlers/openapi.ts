// /openapi/v2 and /openapi/v3[/{group-version path}]. Documents are generated on first use and
// kept; a request carrying the current `hash` may be cached by the client for good.
import { createHash } from 'node:crypto';
import type { ResourceType } from '../../../api/resource-type.ts';
import { negotiate } from '../negotiation.ts';
import { buildOpenApiV2 } from '../openapi/v2.ts';
import { encodeOpenApiV2Protobuf } from '../openapi/v2-protobuf.ts';
import { buildOpenApiV3, type OpenApiV3 } from '../openapi/v3.ts';
import { notAcceptable, pathNotFound } from '../status.ts';
import type { Call } from './call.ts';
import { serveDocument, type Document } from './documents.ts';

export class OpenApiDocuments {
  private v2?: Document;
  private v2Protobuf?: Document;
  private v3?: OpenApiV3;
  private v3Docs = new Map<string, Document>();
  private v3Index?: Document;

  constructor(
    private readonly types: () => ResourceType[],
    private readonly serverVersion: string,
  ) {}

  /** True when the path is an OpenAPI document; it then answers it. */
  serve(call: Call): boolean {
    const path = call.path;
    if (path === '/openapi/v2') {
      // kubectl asks for protobuf only (to validate a v1 List); anything else gets JSON.
      const accept = call.req.headers.accept;
      this.v2 ??= document(buildOpenApiV2(this.types(), this.serverVersion));
      if (accept && protobufV2.test(accept)) {
        this.v2Protobuf ??= protobufDocument(encodeOpenApiV2Protobuf(JSON.parse(this.v2.body as string)));
        serveDocument(call, this.v2Protobuf);
        return true;
      }
      if (accept && /protobuf/.test(accept) && !/json|\*\/\*/.test(accept)) throw notAcceptable(accept);
      negotiate(accept);
      serveDocument(call, this.v2);
      return true;
    }
    if (path === '/openapi/v3' || path === '/openapi/v3/') {
      negotiate(call.req.headers.accept);
      serveDocument(call, this.index());
      return true;
    }
    if (path.startsWith('/openapi/v3/')) {
      negotiate(call.req.headers.accept);
      this.index();
      const key = path.slice('/openapi/v3/'.length).replace(/\/$/, '');
      const doc = this.v3Docs.get(key);
      if (!doc) throw pathNotFound();
      const hash = call.query.get('hash');
      const immutable = hash !== null && `"${hash}"` === doc.etag;
      serveDocument(call, doc, immutable ? { 'Cache-Control': 'public, immutable' } : undefined);
      return true;
    }
    if (path.startsWith('/openapi/')) throw pathNotFound();
    return false;
  }

  private index(): Document {
    if (!this.v3Index) {
      this.v3 = buildOpenApiV3(this.types(), this.serverVersion);
      for (const [key, d] of this.v3.documents)
        this.v3Docs.set(key, { body: d.body, etag: `"${d.hash}"`, contentType: 'application/json' });
      this.v3Index = document(this.v3.index);
    }
    return this.v3Index;
  }
}

/**
 * The gnostic OpenAPI v2 media type in either spelling clients send; like upstream, the answer
 * always uses the `.v1.0` one, because Go's mime parser (kubectl's) rejects the `@` in the other.
 */
const protobufV2 = /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/;

function protobufDocument(body: Buffer): Document {
  return {
    body,
    etag: `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`,
    contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
  };
}

function document(body: string): Document {
  return {
    body,
    etag: `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`,
    contentType: 'application/json',
  };
}
