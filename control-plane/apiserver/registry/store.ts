// The generic registry of one resource: the ResourceRegistry seam, each verb in its own module.
import type { ResourceType } from '../../../api/resource-type.ts';
import type { StoreContext } from './context.ts';
import { create } from './create.ts';
import { deleteCollection } from './delete-collection.ts';
import { deleteObject } from './delete.ts';
import { get } from './get.ts';
import { list } from './list.ts';
import { patch } from './patch.ts';
import type {
  DeleteOptions,
  KubeObject,
  ListOptions,
  PatchType,
  RequestContext,
  ResourceRegistry,
  SubresourceHandler,
  WatchEvent,
  WatchOptions,
  WatchStream,
} from './types.ts';
import { update } from './update.ts';
import { watch } from './watch.ts';

export class GenericRegistry implements ResourceRegistry {
  readonly type: ResourceType;

  constructor(
    readonly context: StoreContext,
    private readonly handlers: ReadonlyMap<string, SubresourceHandler> = new Map(),
  ) {
    this.type = context.type;
  }

  get(_ctx: RequestContext, namespace: string, name: string): Promise<KubeObject> {
    return get(this.context, namespace, name);
  }

  list(_ctx: RequestContext, namespace: string, opts: ListOptions): Promise<KubeObject> {
    return list(this.context, namespace, opts);
  }

  watch(
    _ctx: RequestContext,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
    onClose: (err?: Error) => void,
  ): Promise<WatchStream> {
    return watch(this.context, namespace, opts, onEvent, onClose);
  }

  create(ctx: RequestContext, namespace: string, obj: KubeObject): Promise<KubeObject> {
    return create(this.context, ctx, namespace, obj);
  }

  update(
    ctx: RequestContext,
    namespace: string,
    name: string,
    obj: KubeObject,
    subresource?: string,
  ): Promise<KubeObject> {
    return update(this.context, ctx, namespace, name, obj, subresource);
  }

  patch(
    ctx: RequestContext,
    namespace: string,
    name: string,
    type: PatchType,
    patchDoc: unknown,
    subresource?: string,
    opts?: { force?: boolean },
  ): Promise<KubeObject> {
    return patch(this.context, ctx, namespace, name, type, patchDoc, subresource, opts);
  }

  delete(ctx: RequestContext, namespace: string, name: string, opts: DeleteOptions): Promise<KubeObject> {
    return deleteObject(this.context, ctx, namespace, name, opts);
  }

  deleteCollection(
    ctx: RequestContext,
    namespace: string,
    listOpts: ListOptions,
    opts: DeleteOptions,
  ): Promise<KubeObject> {
    return deleteCollection(this.context, ctx, namespace, listOpts, opts);
  }

  subresource(name: string): SubresourceHandler | undefined {
    return this.handlers.get(name);
  }
}
