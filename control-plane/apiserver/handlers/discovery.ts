// /api, /apis, /api/v1, /apis/{group}, /apis/{group}/{version}: legacy discovery, or aggregated
// discovery (APIGroupDiscoveryList) for /api and /apis when the Accept header asks for it.
import type { DiscoveryDocuments } from '../discovery.ts';
import { negotiate, type Transform } from '../negotiation.ts';
import { pathNotFound } from '../status.ts';
import type { Call } from './call.ts';
import { serveDocument } from './documents.ts';

const aggregatable: ReadonlySet<Transform> = new Set(['APIGroupDiscoveryList']);
const none: ReadonlySet<Transform> = new Set();

/** True when this path is a discovery document; it then answers it. */
export function serveDiscovery(call: Call, docs: DiscoveryDocuments): boolean {
  const path = call.path.length > 1 && call.path.endsWith('/') ? call.path.slice(0, -1) : call.path;
  const legacy = docs.legacy.get(path);
  if (!legacy) {
    if (path === '/api' || path === '/apis' || path.startsWith('/api/') || path.startsWith('/apis/'))
      throw pathNotFound();
    return false;
  }
  const top = path === '/api' || path === '/apis';
  const n = negotiate(call.req.headers.accept, top ? aggregatable : none);
  if (n.as === 'APIGroupDiscoveryList') {
    const doc = docs.aggregated.get(`${path}:${n.asVersion}`);
    if (doc) {
      serveDocument(call, doc);
      return true;
    }
  }
  serveDocument(call, legacy);
  return true;
}
