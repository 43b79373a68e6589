// Resource requests: check scope, verb and subresource against the served type, parse the
// options, call the registry, and write the answer in the negotiated shape (object, Table,
// PartialObjectMetadata) or stream it (watch). Like upstream's handlers in
// k8s.io/apiserver/pkg/endpoints/handlers (create.go, get.go, update.go, patch.go, delete.go).
import type { ResourceType } from '../../../api/resource-type.ts';
import { decodeObject, decodeOptionalObject, decodePatch, readBody } from '../decode.ts';
import { negotiate, type Negotiated, type Transform } from '../negotiation.ts';
import {
  deleteOptions,
  dryRunParam,
  fieldManagerParam,
  fieldValidationParam,
  boolParam,
  listOptions,
  watchOptions,
} from '../query.ts';
import type { KubeObject, RequestContext, ResourceRegistry } from '../registry/types.ts';
import { listJson } from '../list-json.ts';
import { writeBody, writeObject, type ResponseMeta } from '../response.ts';
import type { ResourceRequest } from '../router.ts';
import { badRequest, invalid, methodNotAllowed, pathNotFound, success } from '../status.ts';
import { parseIncludeObject, toTable } from '../table/convert.ts';
import { serveWatch, type WatchTracker } from '../watch-stream.ts';
import type { Call } from './call.ts';

/**
 * A subresource served at the HTTP level rather than by the registry: the streaming ones (log,
 * exec, attach, portforward, proxy), registered by `group/resource/subresource`. It either
 * returns the object to answer with, or writes the response itself and returns undefined.
 */
export type HttpSubresourceHandler = (
  call: Call,
  info: ResourceRequest,
  registry: ResourceRegistry,
  ctx: RequestContext,
) => Promise<{ code: number; object: unknown } | undefined>;

export interface ResourceServing {
  watches: WatchTracker;
  subresources: ReadonlyMap<string, HttpSubresourceHandler>;
}

const readTransforms: ReadonlySet<Transform> = new Set(['Table', 'PartialObjectMetadata']);
const listTransforms: ReadonlySet<Transform> = new Set(['Table', 'PartialObjectMetadataList']);
const noTransforms: ReadonlySet<Transform> = new Set();

/** Upstream derives a field manager from the user agent when none is given: `kubectl/v1.32 ...` -> `kubectl`. */
function defaultFieldManager(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown';
  const slash = userAgent.indexOf('/');
  return (slash < 0 ? userAgent : userAgent.slice(0, slash)).slice(0, 128) || 'unknown';
}

function requestContext(call: Call, info: ResourceRequest): RequestContext {
  const ctx: RequestContext = { user: call.user, warnings: [] };
  if (info.verb === 'create' || info.verb === 'update' || info.verb === 'patch') {
    if (dryRunParam(call.query)) ctx.dryRun = true;
    ctx.fieldManager = fieldManagerParam(call.query) ?? defaultFieldManager(call.req.headers['user-agent']);
    const fv = fieldValidationParam(call.query);
    if (fv) ctx.fieldValidation = fv;
  } else if (info.verb === 'delete' || info.verb === 'deletecollection') {
    if (dryRunParam(call.query)) ctx.dryRun = true;
  }
  return ctx;
}

function meta(call: Call, ctx: RequestContext, n?: Negotiated): ResponseMeta {
  return { auditId: call.auditId, warnings: ctx.warnings, pretty: call.pretty, format: n?.format ?? 'json' };
}

function partialObjectMetadata(obj: KubeObject, version: string): unknown {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: obj.metadata ?? {},
  };
}

/** Reshape an object or list into what the client negotiated. */
function shape(obj: KubeObject, n: Negotiated, rt: ResourceType, call: Call, now = Date.now()): unknown {
  switch (n.as) {
    case 'Table': {
      const includeObject = parseIncludeObject(call.query.get('includeObject'));
      if (!includeObject) throw badRequest(`includeObject must be one of None, Metadata, Object`);
      return toTable(
        obj,
        { group: rt.group, kind: rt.kind, version: n.asVersion ?? 'v1', includeObject },
        now,
      );
    }
    case 'PartialObjectMetadata':
      return partialObjectMetadata(obj, n.asVersion ?? 'v1');
    case 'PartialObjectMetadataList':
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${n.asVersion ?? 'v1'}`,
        metadata: obj.metadata ?? {},
        items: (obj.items ?? []).map((o: KubeObject) => partialObjectMetadata(o, n.asVersion ?? 'v1')),
      };
    default:
      return obj;
  }
}

/**
 * Repeated keys in a body, by fieldValidation (upstream's rules): Strict refuses the request,
 * Warn (the default) answers with a warning per key, Ignore says nothing. The last value wins.
 */
function checkDuplicates(ctx: RequestContext, rt: ResourceType, duplicates: string[]): void {
  if (duplicates.length === 0 || ctx.fieldValidation === 'Ignore') return;
  if (ctx.fieldValidation === 'Strict')
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${duplicates
        .map((d) => `duplicate field "${d}"`)
        .join(', ')}`,
    );
  for (const d of duplicates) ctx.warnings.push(`duplicate field "${d}"`);
}

async function bodyObject(call: Call, ctx: RequestContext, rt: ResourceType): Promise<KubeObject> {
  const { object, duplicateFields } = decodeObject(
    call.req.headers['content-type'],
    await readBody(call.req, call.maxBodyBytes),
  );
  checkDuplicates(ctx, rt, duplicateFields);
  return object;
}

async function bodyPatch(call: Call, ctx: RequestContext, rt: ResourceType) {
  const decoded = decodePatch(call.req.headers['content-type'], await readBody(call.req, call.maxBodyBytes));
  checkDuplicates(ctx, rt, decoded.duplicateFields);
  return decoded;
}

/** Serve one resource request against its registry. */
export async function serveResource(
  call: Call,
  info: ResourceRequest,
  registry: ResourceRegistry,
  serving: ResourceServing,
): Promise<void> {
  const rt = registry.type;
  const { verb } = info;
  // The namespace object itself is addressed as /api/v1/namespaces/{name}: no namespace scope.
  const namespace = rt.namespaced ? info.namespace : '';
  if (!rt.namespaced && info.namespace && info.resource !== 'namespaces') throw pathNotFound();
  if (rt.namespaced && !info.namespace && verb !== 'list' && verb !== 'watch') {
    if (info.name) throw pathNotFound();
    throw methodNotAllowed();
  }
  if (info.rest.length > 0 && info.subresource !== 'proxy') throw pathNotFound();

  if (info.subresource) {
    if (!rt.subresources.includes(info.subresource)) throw pathNotFound();
    if (info.subresource === 'finalize') {
      if (verb !== 'update') throw methodNotAllowed();
    } else if (info.subresource !== 'status' && info.subresource !== 'approval') {
      return serveSubresource(call, info, registry, serving, namespace);
    } else if (verb !== 'get' && verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
  } else if (!(rt.verbs as string[]).includes(verb)) {
    throw methodNotAllowed();
  }

  const ctx = requestContext(call, info);
  const sub = info.subresource || undefined;
  switch (verb) {
    case 'get': {
      const n = negotiate(call.req.headers.accept, readTransforms);
      const obj = await registry.get(ctx, namespace, info.name);
      writeObject(call.res, 200, shape(obj, n, rt, call), meta(call, ctx, n));
      return;
    }
    case 'list': {
      const n = negotiate(call.req.headers.accept, listTransforms);
      const list = await registry.list(ctx, namespace, listOptions(call.query));
      // Plain JSON is spliced from the items' cached encodings; other shapes are encoded whole.
      if (!n.as && n.format === 'json' && !call.pretty)
        writeBody(call.res, 200, listJson(list), meta(call, ctx, n));
      else writeObject(call.res, 200, shape(list, n, rt, call), meta(call, ctx, n));
      return;
    }
    case 'watch':
      return watch(call, info, registry, serving, ctx, namespace);
    case 'create': {
      const n = negotiate(call.req.headers.accept, noTransforms);
      const obj = await bodyObject(call, ctx, rt);
      const created = await registry.create(ctx, namespace, obj);
      writeObject(call.res, 201, created, meta(call, ctx, n));
      return;
    }
    case 'update': {
      const n = negotiate(call.req.headers.accept, noTransforms);
      const obj = await bodyObject(call, ctx, rt);
      const updated = await registry.update(ctx, namespace, info.name, obj, sub);
      writeObject(call.res, 200, updated, meta(call, ctx, n));
      return;
    }
    case 'patch': {
      const n = negotiate(call.req.headers.accept, noTransforms);
      const { type, patch } = await bodyPatch(call, ctx, rt);
      const force = boolParam(call.query, 'force');
      if (type === 'apply' && !fieldManagerParam(call.query))
        throw invalid('PatchOptions', 'meta.k8s.io', '', [
          { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
        ]);
      if (type !== 'apply' && force !== undefined)
        throw invalid('PatchOptions', 'meta.k8s.io', '', [
          { type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' },
        ]);
      const patched = await registry.patch(
        ctx,
        namespace,
        info.name,
        type,
        patch,
        sub,
        force ? { force } : undefined,
      );
      writeObject(call.res, 200, patched, meta(call, ctx, n));
      return;
    }
    case 'delete': {
      const n = negotiate(call.req.headers.accept, noTransforms);
      const body = decodeOptionalObject(
        call.req.headers['content-type'],
        await readBody(call.req, call.maxBodyBytes),
      );
      if (Array.isArray(body?.dryRun) && body.dryRun.includes('All')) ctx.dryRun = true;
      const deleted = await registry.delete(ctx, namespace, info.name, deleteOptions(call.query, body));
      // An object still present (finalizers, graceful deletion) is returned as is; one that is
      // gone is reported with a Success Status, like upstream's generic store.
      const pending = deleted?.metadata?.deletionTimestamp !== undefined;
      const answer = pending
        ? deleted
        : success({
            name: info.name,
            group: rt.group,
            kind: rt.plural,
            ...(deleted?.metadata?.uid ? { uid: deleted.metadata.uid } : {}),
          });
      writeObject(call.res, 200, answer, meta(call, ctx, n));
      return;
    }
    case 'deletecollection': {
      const n = negotiate(call.req.headers.accept, noTransforms);
      const body = decodeOptionalObject(
        call.req.headers['content-type'],
        await readBody(call.req, call.maxBodyBytes),
      );
      if (Array.isArray(body?.dryRun) && body.dryRun.includes('All')) ctx.dryRun = true;
      const result = await registry.deleteCollection(
        ctx,
        namespace,
        listOptions(call.query),
        deleteOptions(call.query, body),
      );
      writeObject(call.res, 200, result, meta(call, ctx, n));
      return;
    }
  }
}

/** A subresource with its own kind (registry: binding, scale) or its own HTTP handling (log, exec). */
async function serveSubresource(
  call: Call,
  info: ResourceRequest,
  registry: ResourceRegistry,
  serving: ResourceServing,
  namespace: string,
): Promise<void> {
  const ctx = requestContext(call, info);
  const typed = registry.subresource?.(info.subresource);
  if (typed) {
    const { verb } = info;
    if (verb === 'get' && typed.get) {
      // kubectl get --subresource=scale asks for a Table: printed by the subresource's own kind.
      const n = negotiate(call.req.headers.accept, readTransforms);
      const obj = await typed.get(ctx, namespace, info.name);
      const apiVersion = String(obj.apiVersion ?? '');
      const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
      const kind = { ...registry.type, group, kind: String(obj.kind ?? registry.type.kind) };
      writeObject(call.res, 200, shape(obj, n, kind, call), meta(call, ctx, n));
      return;
    }
    const n = negotiate(call.req.headers.accept, noTransforms);
    let code = 200;
    let result: KubeObject;
    if (verb === 'create' && typed.create) {
      const obj = await bodyObject(call, ctx, registry.type);
      result = await typed.create(ctx, namespace, info.name, obj);
      code = 201;
    } else if (verb === 'update' && typed.update) {
      const obj = await bodyObject(call, ctx, registry.type);
      result = await typed.update(ctx, namespace, info.name, obj);
    } else if (verb === 'patch' && typed.patch) {
      const { type, patch } = await bodyPatch(call, ctx, registry.type);
      result = await typed.patch(ctx, namespace, info.name, type, patch);
    } else throw methodNotAllowed();
    writeObject(call.res, code, result, meta(call, ctx, n));
    return;
  }
  const handler = serving.subresources.get(
    `${registry.type.group}/${registry.type.plural}/${info.subresource}`,
  );
  if (!handler) throw methodNotAllowed();
  const result = await handler(call, info, registry, ctx);
  if (result) writeObject(call.res, result.code, result.object, meta(call, ctx));
}

async function watch(
  call: Call,
  info: ResourceRequest,
  registry: ResourceRegistry,
  serving: ResourceServing,
  ctx: RequestContext,
  namespace: string,
): Promise<void> {
  const rt = registry.type;
  const n = negotiate(call.req.headers.accept, readTransforms);
  const opts = watchOptions(call.query);
  if (info.name) {
    // Watching one object (legacy /watch/.../{name}, or ?watch on a named GET) is a watch of
    // the collection restricted to that name, as upstream does it.
    const byName = `metadata.name=${info.name}`;
    opts.fieldSelector = opts.fieldSelector ? `${opts.fieldSelector},${byName}` : byName;
  }
  let transform: ((obj: any, first: boolean) => unknown) | undefined;
  if (n.as === 'Table') {
    const includeObject = parseIncludeObject(call.query.get('includeObject'));
    if (!includeObject) throw badRequest(`includeObject must be one of None, Metadata, Object`);
    const target = { group: rt.group, kind: rt.kind, version: n.asVersion ?? 'v1', includeObject };
    // Like upstream, only the first event carries columnDefinitions; later ones send null.
    transform = (obj, first) => toTable(obj, target, Date.now(), first);
  } else if (n.as === 'PartialObjectMetadata') {
    const version = n.asVersion ?? 'v1';
    transform = (obj) => partialObjectMetadata(obj, version);
  }
  await serveWatch(call.res, {
    auditId: call.auditId,
    contentType: n.streamWatch ? 'application/json;stream=watch' : 'application/json',
    ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
    tracker: serving.watches,
    ...(transform ? { transform } : {}),
    start: (onEvent, onClose) => registry.watch(ctx, namespace, opts, onEvent, onClose),
    log: call.log,
  });
}
