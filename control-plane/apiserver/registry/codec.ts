// Objects <-> stored bytes. The stored value is the object's JSON without
// metadata.resourceVersion: the resourceVersion is always the kv's modRevision, set on read, so
// the same bytes never disagree with the store about their version.
import type { KeyValue } from '../../storage/types.ts';
import { internalError } from '../status.ts';
import type { KubeObject } from './types.ts';
import type { ValueTransformer } from './value-transformer.ts';

export class ObjectCodec {
  constructor(private readonly transformer?: ValueTransformer) {}

  encode(key: string, obj: KubeObject): Uint8Array {
    const meta = obj.metadata;
    // A shallow copy with the version undefined (JSON omits it) is cheaper than a replacer.
    const plain =
      meta?.resourceVersion === undefined
        ? obj
        : { ...obj, metadata: { ...meta, resourceVersion: undefined } };
    const bytes: Uint8Array = Buffer.from(JSON.stringify(plain));
    return this.transformer ? this.transformer.toStorage(key, bytes) : bytes;
  }

  /** A fresh object the caller may mutate. */
  decode(kv: KeyValue): KubeObject {
    return this.decodeAs(kv, kv.modRevision);
  }

  /** Decode with a given resourceVersion (a delete event carries the old value at the delete's revision). */
  decodeAs(kv: Pick<KeyValue, 'key' | 'value'>, revision: number): KubeObject {
    let obj: KubeObject;
    try {
      const raw = this.transformer ? this.transformer.fromStorage(kv.key, kv.value) : kv.value;
      obj = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
    } catch (err) {
      throw internalError(
        new Error(`unable to decode ${kv.key}: ${err instanceof Error ? err.message : err}`),
      );
    }
    (obj.metadata ??= {}).resourceVersion = String(revision);
    return obj;
  }
}
