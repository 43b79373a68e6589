// Content negotiation for responses, like upstream's k8s.io/apiserver/pkg/endpoints/handlers/
// negotiation: pick the first Accept clause (by q, then order) that we can serve. We encode JSON
// (and YAML on request); protobuf is answered with JSON, which Kubernetes clients accept because
// they decode by the response's Content-Type. Parameters select a different *shape* of the
// answer: `as=Table` (kubectl get), `as=PartialObjectMetadata[List]` (metadata informers),
// `as=APIGroupDiscoveryList` (aggregated discovery, /api and /apis).
import { notAcceptable } from './status.ts';

export type Transform =
  'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' | 'APIGroupDiscoveryList';

export interface Negotiated {
  format: 'json' | 'yaml';
  /** A different shape of the answer, when a clause asked for one we serve here. */
  as?: Transform;
  /** Version of the transform's group (meta.k8s.io v1/v1beta1, apidiscovery.k8s.io v2/v2beta1). */
  asVersion?: string;
  /** The clause asked for `stream=watch` (echoed back in the watch Content-Type). */
  streamWatch: boolean;
}

interface Clause {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

const plainJson: Negotiated = Object.freeze({ format: 'json', streamWatch: false }) as Negotiated;

// Accept headers repeat (each client sends the same few); remember parsed forms.
const parsedCache = new Map<string, Clause[]>();
const parsedCacheMax = 512;

function parseAccept(header: string): Clause[] {
  const cached = parsedCache.get(header);
  if (cached) return cached;
  const clauses: Clause[] = [];
  for (const raw of header.split(',')) {
    const pieces = raw.split(';');
    const mediaRange = pieces[0]!.trim().toLowerCase();
    if (!mediaRange) continue;
    const slash = mediaRange.indexOf('/');
    const type = slash < 0 ? mediaRange : mediaRange.slice(0, slash);
    const subtype = slash < 0 ? '*' : mediaRange.slice(slash + 1);
    const params: Record<string, string> = {};
    let q = 1;
    for (let i = 1; i < pieces.length; i++) {
      const eq = pieces[i]!.indexOf('=');
      if (eq < 0) continue;
      const key = pieces[i]!.slice(0, eq).trim().toLowerCase();
      const value = pieces[i]!.slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      else params[key] = value;
    }
    if (q > 0) clauses.push({ type, subtype, params, q });
  }
  // Stable sort by q, highest first.
  clauses.sort((a, b) => b.q - a.q);
  if (parsedCache.size >= parsedCacheMax) parsedCache.clear();
  parsedCache.set(header, clauses);
  return clauses;
}

function formatOf(c: Clause): 'json' | 'yaml' | undefined {
  if (c.type === '*' && c.subtype === '*') return 'json';
  if (c.type !== 'application') return undefined;
  switch (c.subtype) {
    case '*':
    case 'json':
    case 'vnd.kubernetes.protobuf': // answered as JSON; see the file comment
      return 'json';
    case 'yaml':
      return 'yaml';
    default:
      return undefined;
  }
}

function transformOf(c: Clause, allowed: ReadonlySet<Transform>): Negotiated | 'skip' | undefined {
  const as = c.params['as'];
  if (!as) return undefined;
  const g = c.params['g'];
  const v = c.params['v'] ?? '';
  if (as === 'Table' && g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1') && allowed.has('Table'))
    return { format: 'json', as, asVersion: v, streamWatch: false };
  if (
    (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') &&
    g === 'meta.k8s.io' &&
    (v === 'v1' || v === 'v1beta1') &&
    allowed.has(as)
  )
    return { format: 'json', as, asVersion: v, streamWatch: false };
  if (
    as === 'APIGroupDiscoveryList' &&
    g === 'apidiscovery.k8s.io' &&
    (v === 'v2' || v === 'v2beta1') &&
    allowed.has(as)
  )
    return { format: 'json', as, asVersion: v, streamWatch: false };
  return 'skip';
}

const none: ReadonlySet<Transform> = new Set();

/**
 * Choose how to answer. `allowed` lists the transforms this endpoint can produce; clauses asking
 * for others are skipped, as upstream does. Throws 406 when no clause can be served.
 */
export function negotiate(accept: string | undefined, allowed: ReadonlySet<Transform> = none): Negotiated {
  if (!accept) return plainJson;
  const clauses = parseAccept(accept);
  if (clauses.length === 0) return plainJson;
  for (const c of clauses) {
    const format = formatOf(c);
    if (!format) continue;
    const t = transformOf(c, allowed);
    if (t === 'skip') continue;
    if (t) return t;
    const streamWatch = c.params['stream'] === 'watch';
    if (format === 'json' && !streamWatch) return plainJson;
    return { format, streamWatch };
  }
  throw notAcceptable(accept);
}

/** Content-Type for an aggregated discovery answer; client-go checks these parameters. */
export function discoveryContentType(version: string): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
