// LIST: a <Kind>List at one store revision. Selectors filter while scanning; `limit` pages
// through the key range with a continue token that pins the revision of the first page, so the
// pages together are one consistent snapshot even while writes happen (until that revision is
// compacted: then 410 with a token to go on at the latest revision, like upstream).
// Items come from the shared decoded-object cache (read-only, like a client-go informer's objects):
// listing the same objects again costs no JSON.parse, as upstream's watch cache serves lists.
import { CompactedError } from '../../storage/errors.ts';
import { badRequest } from '../status.ts';
import type { StoreContext } from './context.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { continueExpired, fromStorageError, tooLargeResourceVersion } from './errors.ts';
import { parseResourceVersion, validateListOptions } from './list-options.ts';
import { compileSelection, type Selection } from './selection.ts';
import type { KubeObject, ListOptions } from './types.ts';

/** Keys read per backend call while a selector filters most of them out. */
const filteredPageSize = 500;

export async function list(s: StoreContext, namespace: string, opts: ListOptions): Promise<KubeObject> {
  validateListOptions(opts, false);
  const selection = compileSelection(s.type, opts);
  namespace = narrowedNamespace(s, namespace, selection);
  const prefix = s.keys.prefix(namespace);
  const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;

  let revision = 0; // 0 = latest, pinned by the first read
  let startKey = prefix;
  if (opts.continue) {
    if (opts.resourceVersion && opts.resourceVersion !== '0') {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    const token = decodeContinue(opts.continue);
    revision = token.rv > 0 ? token.rv : 0;
    startKey = prefix + token.start;
  } else if (opts.resourceVersion && opts.resourceVersion !== '0') {
    const rv = parseResourceVersion(opts.resourceVersion);
    // Legacy rule: a version with a limit and no match means that exact version.
    const exact = opts.resourceVersionMatch === 'Exact' || (!opts.resourceVersionMatch && limit > 0);
    if (exact) revision = rv;
    else {
      const current = await s.backend.currentRevision();
      if (rv > current) throw tooLargeResourceVersion(rv, current);
    }
  }

  const listKind = { apiVersion: s.apiVersion, kind: `${s.type.kind}List` };
  if (selection.name !== undefined && !opts.continue && (namespace || !s.type.namespaced)) {
    const { revision: at, kv } = await read(
      () => s.backend.get(s.keys.key(namespace, selection.name!), revision || undefined),
      s,
    );
    const obj = kv ? s.decoded.get(kv) : undefined;
    return {
      ...listKind,
      metadata: { resourceVersion: String(at) },
      items: obj && selection.matches(obj) ? [obj] : [],
    };
  }

  const items: KubeObject[] = [];
  let lastKey: string | undefined;
  let more = false;
  scan: for (;;) {
    const pageLimit =
      limit === 0 ? 0 : selection.empty ? limit - items.length : Math.max(limit, filteredPageSize);
    const page = await read(
      () => s.backend.list(prefix, { startKey, limit: pageLimit, revision }),
      s,
      opts.continue && prefix,
      startKey,
    );
    revision = page.revision;
    for (const kv of page.kvs) {
      if (limit > 0 && items.length === limit) {
        more = true;
        break scan;
      }
      lastKey = kv.key;
      const obj = s.decoded.get(kv);
      if (selection.empty || selection.matches(obj)) items.push(obj);
    }
    if (!page.more) break;
    if (limit > 0 && items.length === limit) {
      more = true;
      break;
    }
    startKey = nextKey(lastKey!);
  }

  const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
  if (more && lastKey !== undefined) {
    metadata.continue = encodeContinue({ rv: revision, start: nextKey(lastKey).slice(prefix.length) });
    const remaining = selection.empty
      ? await remainingItems(s, prefix, nextKey(lastKey), revision)
      : undefined;
    if (remaining !== undefined && remaining > 0) metadata.remainingItemCount = remaining;
  }
  return { ...listKind, metadata, items };
}

/** A field selector on metadata.namespace narrows an all-namespaces scan to one namespace. */
export function narrowedNamespace(s: StoreContext, namespace: string, selection: Selection): string {
  if (!s.type.namespaced) return '';
  if (!namespace && selection.namespace && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(selection.namespace)) {
    return selection.namespace;
  }
  return namespace;
}

/** The smallest key after `key`. */
const nextKey = (key: string) => `${key}\x00`;

/**
 * The keys after this page as of the page's revision: exact even while writes happen, and a walk
 * of the rest of the range only, not the whole prefix again on every page.
 */
async function remainingItems(s: StoreContext, prefix: string, startKey: string, revision: number) {
  try {
    return (await s.backend.count(prefix, { startKey, revision })).count;
  } catch (err) {
    if (err instanceof CompactedError) return undefined; // the next page answers 410
    throw fromStorageError(err, s.gr, '');
  }
}

/** A storage read with its errors as API errors; a compacted continue revision gets a fresh token. */
async function read<T>(
  fn: () => Promise<T>,
  s: StoreContext,
  continuePrefix?: string | false,
  startKey?: string,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CompactedError && continuePrefix && startKey) {
      throw continueExpired(encodeContinue({ rv: -1, start: startKey.slice(continuePrefix.length) }));
    }
    throw fromStorageError(err, s.gr, '');
  }
}
