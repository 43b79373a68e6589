// Request bodies: read with a size cap, then decode by Content-Type. Like upstream, the body
// limit is 3 MiB (etcd's default request limit plus headroom) and answers 413 beyond it;
// unknown media types answer 415; malformed documents answer 400 with the parser's reason.
import type { IncomingMessage } from 'node:http';
import { badRequest, tooLarge, unsupportedMediaType } from './status.ts';
import type { PatchType } from './registry/types.ts';
import { isBlank, parseDocument, type Decoded } from './document.ts';
import { parseProtobuf } from './protobuf-body.ts';

export const maxBodyBytes = 3 * 1024 * 1024;

/** The client went away while sending its body: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection before sending the whole body');
    this.name = 'ClientGoneError';
  }
}

/**
 * Past this many bytes a refused body is no longer read and thrown away (which keeps the
 * connection usable and lets the client read the 413); the connection is closed instead.
 */
const maxDiscardBytes = 64 * 1024 * 1024;

/** Read the whole body, failing with 413 as soon as it exceeds `limit`. */
export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    if (declared > maxDiscardBytes) return Promise.reject(tooLargeError(limit, true));
    discardRest(req, 0);
    return Promise.reject(tooLargeError(limit, false));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | undefined, body?: Buffer) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) reject(err);
      else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(tooLargeError(limit, false));
        discardRest(req, size);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onError = () => finish(new ClientGoneError());
    const onAborted = () => finish(new ClientGoneError());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** Read and drop the rest of a refused body, up to maxDiscardBytes; then give up on the connection. */
function discardRest(req: IncomingMessage, already: number): void {
  let seen = already;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxDiscardBytes) req.socket.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

function tooLargeError(limit: number, closeConnection: boolean) {
  const err = tooLarge(`Request entity too large: limit is ${limit}`);
  if (closeConnection) (err as { closeConnection?: boolean }).closeConnection = true;
  return err;
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
export function mediaTypeOf(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

export interface DecodedObject {
  object: Record<string, any>;
  duplicateFields: string[];
}

/** Decode a create/update body (JSON, YAML or Kubernetes protobuf) into an object. */
export function decodeObject(contentType: string | undefined, body: Buffer): DecodedObject {
  const media = mediaTypeOf(contentType);
  let doc: Decoded;
  switch (media) {
    case '': // like upstream, no Content-Type means the default (JSON)
    case 'application/json':
      doc = parseDocument(body, 'json');
      break;
    case 'application/yaml':
      doc = parseDocument(body, 'yaml');
      break;
    case 'application/vnd.kubernetes.protobuf':
      doc = parseProtobuf(body);
      break;
    default:
      throw unsupportedMediaType(contentType ?? '');
  }
  const v = doc.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw badRequest(`the body of the request must be an object, got ${describe(v)}`);
  return { object: v as Record<string, any>, duplicateFields: doc.duplicateFields };
}

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export interface DecodedPatch {
  type: PatchType;
  patch: unknown;
  duplicateFields: string[];
}

/** Decode a PATCH body; the media type names the patch type. */
export function decodePatch(contentType: string | undefined, body: Buffer): DecodedPatch {
  const type = patchTypes[mediaTypeOf(contentType)];
  if (!type) throw unsupportedMediaType(contentType ?? '');
  const { value: patch, duplicateFields } = parseDocument(body, type === 'apply' ? 'yaml' : 'json');
  if (type === 'json') {
    if (!Array.isArray(patch))
      throw badRequest(`json patch must be an array of operations, got ${describe(patch)}`);
  } else if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw badRequest(`${type} patch must be an object, got ${describe(patch)}`);
  }
  return { type, patch, duplicateFields };
}

/** An optional DeleteOptions body (kubectl sends one with propagationPolicy). */
export function decodeOptionalObject(
  contentType: string | undefined,
  body: Buffer,
): Record<string, any> | undefined {
  if (isBlank(body)) return undefined;
  return decodeObject(contentType, body).object;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
