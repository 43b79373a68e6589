// The multi-version key space of the memory backend: every key keeps its versions (a value or a
// tombstone) tagged with the revision that wrote them, so reads can be served "as of" any
// revision that has not been compacted. Keys are kept sorted for prefix range scans.
import type { KeyValue } from '../types.ts';

interface Version {
  revision: number;
  createRevision: number;
  /** undefined marks a tombstone (the key was deleted at `revision`). */
  value?: Uint8Array;
}

export class MultiVersionKeys {
  private readonly versions = new Map<string, Version[]>();
  /** Every key that has a version, sorted; a range scan is a binary search plus a walk. */
  private readonly sorted: string[] = [];

  /** The key's state as of `revision` (latest version at or below it), if it was live then. */
  at(key: string, revision: number): KeyValue | undefined {
    const vs = this.versions.get(key);
    if (!vs) return undefined;
    const v = latestAtOrBelow(vs, revision);
    return v?.value ? toKeyValue(key, v) : undefined;
  }

  /** Live keys with the prefix, from startKey on, as of `revision`; at most `limit` (0 = all). */
  range(
    prefix: string,
    startKey: string,
    revision: number,
    limit: number,
  ): { kvs: KeyValue[]; more: boolean } {
    const kvs: KeyValue[] = [];
    let i = lowerBound(this.sorted, startKey > prefix ? startKey : prefix);
    for (; i < this.sorted.length; i++) {
      const key = this.sorted[i]!;
      if (!key.startsWith(prefix)) break;
      const kv = this.at(key, revision);
      if (!kv) continue;
      if (limit > 0 && kvs.length === limit) return { kvs, more: true };
      kvs.push(kv);
    }
    return { kvs, more: false };
  }

  count(prefix: string, revision: number, startKey = prefix): number {
    let n = 0;
    for (
      let i = lowerBound(this.sorted, startKey > prefix ? startKey : prefix);
      i < this.sorted.length;
      i++
    ) {
      const key = this.sorted[i]!;
      if (!key.startsWith(prefix)) break;
      if (this.at(key, revision)) n++;
    }
    return n;
  }

  put(key: string, revision: number, createRevision: number, value: Uint8Array): KeyValue {
    const v: Version = { revision, createRevision, value };
    this.versionsOf(key).push(v);
    return toKeyValue(key, v);
  }

  tombstone(key: string, revision: number): void {
    this.versionsOf(key).push({ revision, createRevision: 0 });
  }

  /**
   * Drop every version superseded at or below `revision`, and tombstones at or below it, so a
   * read as of `revision` (or later) still sees exactly what it saw before.
   */
  compact(revision: number): void {
    for (let i = 0; i < this.sorted.length; i++) {
      const key = this.sorted[i]!;
      const vs = this.versions.get(key)!;
      let keepFrom = 0;
      for (let j = vs.length - 1; j >= 0; j--) {
        if (vs[j]!.revision <= revision) {
          keepFrom = vs[j]!.value ? j : j + 1;
          break;
        }
      }
      if (keepFrom > 0) vs.splice(0, keepFrom);
      if (vs.length === 0) {
        this.versions.delete(key);
        this.sorted.splice(i, 1);
        i--;
      }
    }
  }

  /** Bytes held by values (all versions), for dbSize(). */
  bytes(): number {
    let n = 0;
    for (const [key, vs] of this.versions) for (const v of vs) n += key.length + (v.value?.byteLength ?? 0);
    return n;
  }

  private versionsOf(key: string): Version[] {
    let vs = this.versions.get(key);
    if (!vs) {
      vs = [];
      this.versions.set(key, vs);
      this.sorted.splice(lowerBound(this.sorted, key), 0, key);
    }
    return vs;
  }
}

function latestAtOrBelow(vs: Version[], revision: number): Version | undefined {
  for (let j = vs.length - 1; j >= 0; j--) if (vs[j]!.revision <= revision) return vs[j];
  return undefined;
}

function toKeyValue(key: string, v: Version): KeyValue {
  return { key, value: v.value!, createRevision: v.createRevision, modRevision: v.revision };
}

/** First index whose element is >= target. */
export function lowerBound(sorted: readonly string[], target: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
