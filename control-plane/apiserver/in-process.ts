// The API server's handler for clients in the same process (api/client's inProcessTransport):
// the scheduler and the controllers call the registries directly, with no TLS, no HTTP and no
// JSON for answers and watch events (objects cross by reference and are read-only). Request
// bodies still go through the same decoding as HTTP bodies, which also copies them, so callers
// may keep changing what they sent.
//
// The same routing and scope rules as the HTTP layer apply (404/405 for what is not served);
// tables, protobuf, streaming subresources (log, exec) and discovery are HTTP only. Callers are
// control-plane components, trusted like system:masters.
import type {
  InProcessHandler,
  InProcessRequest,
  InProcessResponse,
  InProcessWatchSink,
} from '../../api/client/transport-in-process.ts';
import { decodeObject, decodeOptionalObject, decodePatch } from './decode.ts';
import {
  boolParam,
  deleteOptions,
  dryRunParam,
  fieldManagerParam,
  fieldValidationParam,
  listOptions,
  watchOptions,
} from './query.ts';
import type { KubeObject, RequestContext, ResourceRegistry, UserInfo } from './registry/types.ts';
import { parseRequestInfo, type ResourceRequest } from './router.ts';
import { methodNotAllowed, pathNotFound, success } from './status.ts';

export interface InProcessOptions {
  /** Served resources keyed `group/version/plural`, as the HTTP server has them. */
  registries: ReadonlyMap<string, ResourceRegistry>;
  /** Who the in-process callers are. Default: a system:masters component user. */
  user?: UserInfo;
  /** Field manager when a request names none. Default `flotilla-control-plane`. */
  fieldManager?: string;
}

const json = { 'content-type': 'application/json' };

const body = (req: InProcessRequest) =>
  Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? null));

export function inProcessHandler(opts: InProcessOptions): InProcessHandler {
  const user = opts.user ?? {
    username: 'system:flotilla-control-plane',
    groups: ['system:masters', 'system:authenticated'],
  };
  const defaultManager = opts.fieldManager ?? 'flotilla-control-plane';

  /** The registry and namespace for a request, with the HTTP layer's scope rules. */
  function route(req: InProcessRequest): {
    info: ResourceRequest;
    registry: ResourceRegistry;
    namespace: string;
    query: URLSearchParams;
  } {
    const query = new URLSearchParams(req.query);
    const info = parseRequestInfo(req.method, req.path, query.get('watch'));
    if (info.kind !== 'resource') throw pathNotFound();
    const registry = opts.registries.get(`${info.group}/${info.version}/${info.resource}`);
    if (!registry) throw pathNotFound();
    const rt = registry.type;
    if (!rt.namespaced && info.namespace && info.resource !== 'namespaces') throw pathNotFound();
    if (rt.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch') {
      if (info.name) throw pathNotFound();
      throw methodNotAllowed();
    }
    if (info.rest.length > 0) throw pathNotFound();
    if (info.subresource && !rt.subresources.includes(info.subresource)) throw pathNotFound();
    if (!info.subresource && !(rt.verbs as string[]).includes(info.verb)) throw methodNotAllowed();
    return { info, registry, namespace: rt.namespaced ? info.namespace : '', query };
  }

  function context(info: ResourceRequest, query: URLSearchParams): RequestContext {
    const ctx: RequestContext = { user, warnings: [] };
    if (dryRunParam(query)) ctx.dryRun = true;
    if (info.verb === 'create' || info.verb === 'update' || info.verb === 'patch') {
      ctx.fieldManager = fieldManagerParam(query) ?? defaultManager;
      const fv = fieldValidationParam(query);
      if (fv) ctx.fieldValidation = fv;
    }
    return ctx;
  }

  async function answer(req: InProcessRequest): Promise<{ code: number; object: unknown }> {
    const { info, registry, namespace, query } = route(req);
    const ctx = context(info, query);
    const contentType = req.headers['content-type'];
    const sub = info.subresource;
    // Subresources written through the generic update path (status, finalize, approval).
    const generic = sub === 'status' || sub === 'finalize' || sub === 'approval';
    const typed = sub && !generic ? registry.subresource?.(sub) : undefined;
    if (sub && !generic) {
      if (!typed) throw methodNotAllowed(); // streaming subresources are served over HTTP only
      if (info.verb === 'get' && typed.get)
        return { code: 200, object: await typed.get(ctx, namespace, info.name) };
      if (info.verb === 'create' && typed.create)
        return {
          code: 201,
          object: await typed.create(ctx, namespace, info.name, decodeObject(contentType, body(req)).object),
        };
      if (info.verb === 'update' && typed.update)
        return {
          code: 200,
          object: await typed.update(ctx, namespace, info.name, decodeObject(contentType, body(req)).object),
        };
      if (info.verb === 'patch' && typed.patch) {
        const { type, patch } = decodePatch(contentType, body(req));
        return { code: 200, object: await typed.patch(ctx, namespace, info.name, type, patch) };
      }
      throw methodNotAllowed();
    }
    switch (info.verb) {
      case 'get':
        return { code: 200, object: await registry.get(ctx, namespace, info.name) };
      case 'list':
        return { code: 200, object: await registry.list(ctx, namespace, listOptions(query)) };
      case 'create':
        return {
          code: 201,
          object: await registry.create(ctx, namespace, decodeObject(contentType, body(req)).object),
        };
      case 'update':
        return {
          code: 200,
          object: await registry.update(
            ctx,
            namespace,
            info.name,
            decodeObject(contentType, body(req)).object,
            sub || undefined,
          ),
        };
      case 'patch': {
        const { type, patch } = decodePatch(contentType, body(req));
        const force = boolParam(query, 'force');
        return {
          code: 200,
          object: await registry.patch(
            ctx,
            namespace,
            info.name,
            type,
            patch,
            sub || undefined,
            force ? { force } : undefined,
          ),
        };
      }
      case 'delete': {
        const opts = req.body === undefined ? undefined : decodeOptionalObject(contentType, body(req));
        if (Array.isArray(opts?.dryRun) && opts.dryRun.includes('All')) ctx.dryRun = true;
        const deleted = await registry.delete(ctx, namespace, info.name, deleteOptions(query, opts));
        // Still there (finalizers, graceful deletion): the object; gone: a Success Status.
        if (deleted?.metadata?.deletionTimestamp !== undefined) return { code: 200, object: deleted };
        const uid = deleted?.metadata?.uid;
        return {
          code: 200,
          object: success({
            name: info.name,
            group: registry.type.group,
            kind: registry.type.plural,
            ...(uid ? { uid } : {}),
          }),
        };
      }
      case 'deletecollection': {
        const opts = req.body === undefined ? undefined : decodeOptionalObject(contentType, body(req));
        if (Array.isArray(opts?.dryRun) && opts.dryRun.includes('All')) ctx.dryRun = true;
        return {
          code: 200,
          object: await registry.deleteCollection(
            ctx,
            namespace,
            listOptions(query),
            deleteOptions(query, opts),
          ),
        };
      }
      default:
        throw methodNotAllowed();
    }
  }

  return {
    async request(req: InProcessRequest): Promise<InProcessResponse> {
      const { code, object } = await answer(req);
      return { status: code, headers: json, body: object as KubeObject };
    },

    async watch(req: InProcessRequest, sink: InProcessWatchSink): Promise<{ close(): void }> {
      const { info, registry, namespace, query } = route(req);
      if (info.verb !== 'watch') throw methodNotAllowed();
      const opts = watchOptions(query);
      if (info.name) {
        const byName = `metadata.name=${info.name}`;
        opts.fieldSelector = opts.fieldSelector ? `${opts.fieldSelector},${byName}` : byName;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      let stream: { close(): void } | undefined;
      let ended = false;
      const end = (err?: Error) => {
        if (ended) return;
        ended = true;
        if (timer) clearTimeout(timer);
        sink.onClose(err);
      };
      stream = await registry.watch(
        context(info, query),
        namespace,
        opts,
        (ev) => !ended && sink.onEvent(ev),
        end,
      );
      // timeoutSeconds ends the watch like the HTTP server does; the client then watches again.
      if (opts.timeoutSeconds !== undefined && !ended) {
        timer = setTimeout(() => {
          stream?.close();
          end();
        }, opts.timeoutSeconds * 1000);
        timer.unref?.();
      }
      return {
        close: () => {
          ended = true;
          if (timer) clearTimeout(timer);
          stream?.close();
          stream = undefined;
        },
      };
    },
  };
}
