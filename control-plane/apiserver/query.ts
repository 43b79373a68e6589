// Query parameters of resource requests, parsed and checked once. Unknown parameters are
// ignored (as upstream); known ones with bad values answer 400 naming the parameter.
import { badRequest } from './status.ts';
import type { DeleteOptions, ListOptions, WatchOptions } from './registry/types.ts';

export type Query = URLSearchParams;

const emptyQuery: Query = new URLSearchParams();

/** Split a request URL into its path and query without building a URL object. */
export function splitUrl(url: string): { path: string; query: Query } {
  const q = url.indexOf('?');
  if (q < 0) return { path: url, query: emptyQuery };
  return { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

/** Go's strconv.ParseBool, which is what upstream accepts for boolean parameters. */
export function boolParam(query: Query, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  switch (v) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
    case '':
      return true; // `?watch` alone means true, like upstream's conversion of empty values
    default:
      throw badRequest(`invalid value for query parameter ${name}: ${JSON.stringify(v)} is not a boolean`);
  }
}

export function intParam(query: Query, name: string, min = 0): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min)
    throw badRequest(
      `invalid value for query parameter ${name}: ${JSON.stringify(v)} is not an integer >= ${min}`,
    );
  return Number(v);
}

function enumParam<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw badRequest(
      `invalid value for query parameter ${name}: ${JSON.stringify(v)}, supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
    );
  return v as T;
}

function stringParam(query: Query, name: string): string | undefined {
  const v = query.get(name);
  return v === null || v === '' ? undefined : v;
}

export function listOptions(query: Query): ListOptions {
  const opts: ListOptions = {};
  const labelSelector = stringParam(query, 'labelSelector');
  if (labelSelector !== undefined) opts.labelSelector = labelSelector;
  const fieldSelector = stringParam(query, 'fieldSelector');
  if (fieldSelector !== undefined) opts.fieldSelector = fieldSelector;
  const limit = intParam(query, 'limit');
  if (limit !== undefined && limit > 0) opts.limit = limit;
  const cont = stringParam(query, 'continue');
  if (cont !== undefined) opts.continue = cont;
  const rv = stringParam(query, 'resourceVersion');
  if (rv !== undefined) opts.resourceVersion = rv;
  const match = enumParam(query, 'resourceVersionMatch', ['NotOlderThan', 'Exact'] as const);
  if (match !== undefined) opts.resourceVersionMatch = match;
  return opts;
}

export function watchOptions(query: Query): WatchOptions {
  const opts: WatchOptions = listOptions(query);
  const bookmarks = boolParam(query, 'allowWatchBookmarks');
  if (bookmarks !== undefined) opts.allowWatchBookmarks = bookmarks;
  const initial = boolParam(query, 'sendInitialEvents');
  if (initial !== undefined) opts.sendInitialEvents = initial;
  const timeout = intParam(query, 'timeoutSeconds');
  if (timeout !== undefined) opts.timeoutSeconds = timeout;
  return opts;
}

/** dryRun=All (the only value upstream accepts); anything else is a 400. */
export function dryRunParam(query: Query): boolean {
  const values = query.getAll('dryRun');
  if (values.length === 0) return false;
  for (const v of values) {
    if (v !== 'All')
      throw badRequest(
        `invalid value for query parameter dryRun: ${JSON.stringify(v)}, supported values: "All"`,
      );
  }
  return true;
}

export function fieldValidationParam(query: Query): 'Strict' | 'Warn' | 'Ignore' | undefined {
  return enumParam(query, 'fieldValidation', ['Strict', 'Warn', 'Ignore'] as const);
}

export function fieldManagerParam(query: Query): string | undefined {
  const v = stringParam(query, 'fieldManager');
  if (v !== undefined && v.length > 128)
    throw badRequest('invalid value for query parameter fieldManager: must be no more than 128 characters');
  return v;
}

/**
 * DeleteOptions from the query and an optional body (the body wins, as upstream decodes the
 * body over the query). `orphanDependents` is the legacy spelling of propagationPolicy.
 */
export function deleteOptions(query: Query, body?: Record<string, any>): DeleteOptions {
  const opts: DeleteOptions = {};
  const grace = intParam(query, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = enumParam(query, 'propagationPolicy', ['Orphan', 'Background', 'Foreground'] as const);
  if (policy !== undefined) opts.propagationPolicy = policy;
  const orphan = boolParam(query, 'orphanDependents');
  if (body) {
    if (body.gracePeriodSeconds !== undefined && body.gracePeriodSeconds !== null) {
      if (!Number.isSafeInteger(body.gracePeriodSeconds) || body.gracePeriodSeconds < 0)
        throw badRequest('DeleteOptions.gracePeriodSeconds must be a non-negative integer');
      opts.gracePeriodSeconds = body.gracePeriodSeconds;
    }
    if (body.propagationPolicy !== undefined && body.propagationPolicy !== null) {
      if (!['Orphan', 'Background', 'Foreground'].includes(body.propagationPolicy))
        throw badRequest(
          `DeleteOptions.propagationPolicy: Unsupported value: ${JSON.stringify(body.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`,
        );
      opts.propagationPolicy = body.propagationPolicy;
    }
    if (body.preconditions && typeof body.preconditions === 'object') {
      const p: { uid?: string; resourceVersion?: string } = {};
      if (typeof body.preconditions.uid === 'string') p.uid = body.preconditions.uid;
      if (typeof body.preconditions.resourceVersion === 'string')
        p.resourceVersion = body.preconditions.resourceVersion;
      opts.preconditions = p;
    }
    if (typeof body.orphanDependents === 'boolean' && opts.propagationPolicy === undefined)
      opts.propagationPolicy = body.orphanDependents ? 'Orphan' : 'Background';
    if (Array.isArray(body.dryRun) && body.dryRun.some((v: unknown) => v !== 'All'))
      throw badRequest('DeleteOptions.dryRun: Unsupported value, supported values: "All"');
  }
  if (orphan !== undefined && opts.propagationPolicy === undefined)
    opts.propagationPolicy = orphan ? 'Orphan' : 'Background';
  return opts;
}

/** `pretty=true`, or a human at a terminal or browser (upstream does the same by user agent). */
export function wantsPretty(query: Query, userAgent: string | undefined): boolean {
  const pretty = query.get('pretty');
  if (pretty !== null) return pretty === 'true' || pretty === '1' || pretty === '';
  if (!userAgent) return false;
  return userAgent.startsWith('curl') || userAgent.startsWith('Wget') || userAgent.includes('Mozilla/');
}
