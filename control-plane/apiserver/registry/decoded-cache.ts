// Decoded objects shared by every watcher of a resource. A store revision identifies exactly one
// write of one key, so (revision -> object) never goes stale; N watchers of the same event cost
// one JSON.parse instead of N, and listing the same objects again costs none. Objects from here
// are shared: read-only for everyone.
//
// Beside each object sits its JSON encoding, made the first time an answer needs it: a LIST
// answer is spliced from these strings instead of stringifying every item again (see
// ../list-json.ts). It belongs to the same entry, so a new revision (a new entry) can never be
// answered with old bytes, and it goes when the entry goes.
//
// The capacity holds a whole large list (a FIFO smaller than the list would miss on every item of
// every re-list); like upstream's watch cache it costs memory only for what is listed or watched.
import type { KeyValue } from '../../storage/types.ts';
import type { ObjectCodec } from './codec.ts';
import type { KubeObject } from './types.ts';

interface Entry {
  readonly obj: KubeObject;
  json?: string;
}

/** Every cached object's entry, found from the object itself (the HTTP layer only sees objects). */
const entryOf = new WeakMap<KubeObject, Entry>();

/**
 * `JSON.stringify(obj)`, kept beside `obj` when it is a shared decoded-cache object (never mutated,
 * so its JSON never changes); any other object is stringified as usual.
 */
export function encodedJson(obj: KubeObject): string {
  const entry = entryOf.get(obj);
  if (!entry) return JSON.stringify(obj);
  return (entry.json ??= JSON.stringify(obj));
}

export class DecodedCache {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly codec: ObjectCodec,
    private readonly capacity = 10_000,
  ) {}

  /** The object stored in `kv`, with resourceVersion = `revision` (default: kv.modRevision). */
  get(kv: KeyValue, revision = kv.modRevision): KubeObject {
    const hit = this.entries.get(revision);
    if (hit) return hit.obj;
    const obj = this.codec.decodeAs(kv, revision);
    // Oldest first out: watchers move forward together, so old revisions are done with.
    if (this.entries.size >= this.capacity) {
      const [oldest, gone] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      entryOf.delete(gone.obj);
    }
    const entry: Entry = { obj };
    this.entries.set(revision, entry);
    entryOf.set(obj, entry);
    return obj;
  }
}
