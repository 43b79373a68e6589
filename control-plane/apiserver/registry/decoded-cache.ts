// Decoded objects shared by every watcher of a resource. A store revision identifies exactly one
// write of one key, so (revision -> object) never goes stale; N watchers of the same event cost
// one JSON.parse instead of N, and listing the same objects again costs none. Objects from here
// are shared: read-only for everyone.
//
// The capacity holds a whole large list (a FIFO smaller than the list would miss on every item of
// every re-list); like upstream's watch cache it costs memory only for what is listed or watched.
import type { KeyValue } from '../../storage/types.ts';
import type { ObjectCodec } from './codec.ts';
import type { KubeObject } from './types.ts';

export class DecodedCache {
  private readonly entries = new Map<number, KubeObject>();

  constructor(
    private readonly codec: ObjectCodec,
    private readonly capacity = 10_000,
  ) {}

  /** The object stored in `kv`, with resourceVersion = `revision` (default: kv.modRevision). */
  get(kv: KeyValue, revision = kv.modRevision): KubeObject {
    const hit = this.entries.get(revision);
    if (hit) return hit;
    const obj = this.codec.decodeAs(kv, revision);
    // Oldest first out: watchers move forward together, so old revisions are done with.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(revision, obj);
    return obj;
  }
}
