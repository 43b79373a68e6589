// The ingress routing table: which backend answers a request for (host, path), from every
// Ingress of our class. Rules follow the Ingress API:
//  - hosts: an exact host beats a `*.example.com` wildcard (which covers exactly one more
//    label), which beats rules without a host; a request falls through to the next kind when no
//    path of the more specific one matches;
//  - paths: Exact matches the whole path; Prefix matches whole path elements (`/foo` matches
//    `/foo`, `/foo/` and `/foo/bar`, never `/foobar`); ImplementationSpecific is Prefix here;
//    the longest path wins, and Exact wins a tie;
//  - what matches nothing goes to a spec.defaultBackend (the oldest Ingress's), else 404.
// A table is immutable once built (the controller builds a new one when Ingresses change), so
// the rule lists that apply to a Host header are looked up once and remembered per host.
import type { Ingress, IngressBackend, PathType } from '../../api/types/index.ts';

export interface Backend {
  namespace: string;
  /** The Service. */
  service: string;
  /** The service port, by number or by name. */
  port: number | string;
  /** `ns/ingress`, for logs and error pages. */
  ingress: string;
}

interface PathRule {
  path: string;
  /** The path as elements, for Prefix. */
  elements: string[];
  /** For Prefix: the elements joined again (`/a/b`, `` for the root), to compare plain paths as strings. */
  prefix: string;
  exact: boolean;
  backend: Backend;
}

/** Distinct Host headers remembered per table; an unbounded set of names must not grow memory. */
const MAX_CACHED_HOSTS = 1024;

export interface RouteMatch {
  backend: Backend;
  /** `default` when no rule matched and a default backend took it. */
  via: 'rule' | 'default';
}

export class RouteTable {
  private readonly exactHosts = new Map<string, PathRule[]>();
  private readonly wildcardHosts = new Map<string, PathRule[]>();
  private readonly anyHost: PathRule[] = [];
  private defaultBackend: Backend | undefined;
  /** Host header -> the rule lists to try, most specific first. */
  private readonly byHost = new Map<string, PathRule[][]>();

  /** Builds the table from the Ingresses this controller serves (already filtered by class). */
  constructor(ingresses: Ingress[]) {
    const sorted = [...ingresses].sort(
      (a, b) =>
        (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') ||
        `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(
          `${b.metadata?.namespace}/${b.metadata?.name}`,
        ),
    );
    for (const ing of sorted) {
      const namespace = ing.metadata?.namespace ?? 'default';
      const id = `${namespace}/${ing.metadata?.name}`;
      if (!this.defaultBackend && ing.spec?.defaultBackend)
        this.defaultBackend = toBackend(ing.spec.defaultBackend, namespace, id);
      for (const rule of ing.spec?.rules ?? []) {
        const host = rule.host?.toLowerCase();
        const list = !host
          ? this.anyHost
          : host.startsWith('*.')
            ? getOrCreate(this.wildcardHosts, host.slice(2))
            : getOrCreate(this.exactHosts, host);
        for (const p of rule.http?.paths ?? []) {
          const backend = toBackend(p.backend, namespace, id);
          if (!backend) continue;
          list.push(pathRule(p.path || '/', p.pathType, backend));
        }
      }
    }
    for (const list of [...this.exactHosts.values(), ...this.wildcardHosts.values(), this.anyHost])
      list.sort(byPrecedence);
  }

  match(host: string, path: string): RouteMatch | undefined {
    const query = path.indexOf('?');
    const pathOnly = query === -1 ? path : path.slice(0, query);
    // A plain absolute path compares as a string; others (`//`, no leading `/`) element by element.
    const plain = pathOnly.startsWith('/') && !pathOnly.includes('//');
    let elements: string[] | undefined;
    for (const rules of this.rulesFor(host))
      for (const r of rules) {
        const hit = r.exact
          ? r.path === pathOnly
          : plain
            ? isPlainPrefix(r.prefix, pathOnly)
            : isPrefix(r.elements, (elements ??= splitPath(pathOnly)));
        if (hit) return { backend: r.backend, via: 'rule' };
      }
    return this.defaultBackend ? { backend: this.defaultBackend, via: 'default' } : undefined;
  }

  private rulesFor(host: string): PathRule[][] {
    let lists = this.byHost.get(host);
    if (lists) return lists;
    const h = stripPort(host).toLowerCase();
    const exact = this.exactHosts.get(h);
    const wildcard = h.includes('.') ? this.wildcardHosts.get(h.slice(h.indexOf('.') + 1)) : undefined;
    lists = [exact, wildcard, this.anyHost].filter((l): l is PathRule[] => l !== undefined && l.length > 0);
    if (this.byHost.size >= MAX_CACHED_HOSTS) this.byHost.clear();
    this.byHost.set(host, lists);
    return lists;
  }

  /** Every backend the table can send to (to know which Services to watch). */
  backends(): Backend[] {
    const all = [...this.exactHosts.values(), ...this.wildcardHosts.values(), this.anyHost]
      .flat()
      .map((r) => r.backend);
    return this.defaultBackend ? [...all, this.defaultBackend] : all;
  }
}

function pathRule(path: string, type: PathType, backend: Backend): PathRule {
  const elements = splitPath(path);
  const prefix = elements.length === 0 ? '' : `/${elements.join('/')}`;
  return { path, elements, prefix, exact: type === 'Exact', backend };
}

/** Longest path first; Exact before Prefix of the same path. */
function byPrecedence(a: PathRule, b: PathRule): number {
  return (
    b.path.replace(/\/+$/, '').length - a.path.replace(/\/+$/, '').length || Number(b.exact) - Number(a.exact)
  );
}

/** `/foo//bar/` -> ['foo', 'bar']. */
function splitPath(path: string): string[] {
  return path.split('/').filter((e) => e !== '');
}

/** Prefix by elements for a path with no empty elements: `/a` covers `/a`, `/a/` and `/a/b`. */
function isPlainPrefix(prefix: string, path: string): boolean {
  return (
    prefix === '' ||
    (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47))
  );
}

function isPrefix(prefix: string[], elements: string[]): boolean {
  if (prefix.length > elements.length) return false;
  return prefix.every((e, i) => e === elements[i]);
}

function toBackend(b: IngressBackend, namespace: string, ingress: string): Backend | undefined {
  const svc = b.service;
  if (!svc?.name) return undefined;
  const port = svc.port?.number ?? svc.port?.name;
  if (port === undefined) return undefined;
  return { namespace, service: svc.name, port, ingress };
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

function getOrCreate<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
