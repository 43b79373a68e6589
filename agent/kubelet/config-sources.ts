// ConfigMaps and Secrets a pod consumes (env, envFrom, volumes), read from the API server
// when the pod's containers are set up. Secret values are decoded to bytes here, once.
// A read is shared by every read of the same object that starts while it is under way or
// within a second of its answer: a burst of new pods in a namespace all mount its
// kube-root-ca.crt, and 25 identical GETs at once only took CPU from the pods. A second is far
// inside what upstream allows itself (its TTL cache strategy keeps objects for a minute), and
// each pod's resync every 10-15 s still brings updates to its files.
import { isNotFound, type Client } from '../../api/client/index.ts';
import type { KubeObject } from '../../api/client/index.ts';
import { realClock, type Clock } from '../../api/client/clock.ts';
import type { ConfigMap } from '../../api/types/config-map.ts';
import type { Secret } from '../../api/types/secret.ts';

/** How long an answer is reused for reads that start after it came. */
export const REUSE_MS = 1000;

export type KeyValues = Map<string, Buffer>;

interface SharedRead {
  reading: Promise<KeyValues | undefined>;
  /** When the answer came (clock ms); undefined while the read is under way. */
  answeredAt?: number;
}

export class ConfigSources {
  /** Reads under way or answered less than REUSE_MS ago, by object. */
  private readonly reads = new Map<string, SharedRead>();

  constructor(
    private readonly client: Client,
    private readonly clock: Clock = realClock,
  ) {}

  /** The ConfigMap's keys (data and binaryData), or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<KeyValues | undefined> {
    return this.shared(`configmaps/${namespace}/${name}`, () => this.readConfigMap(namespace, name));
  }

  /** The Secret's keys, decoded, or undefined when it does not exist. */
  secret(namespace: string, name: string): Promise<KeyValues | undefined> {
    return this.shared(`secrets/${namespace}/${name}`, () => this.readSecret(namespace, name));
  }

  /** Joins a recent or running read of the same object; each caller gets its own map. */
  private async shared(
    key: string,
    read: () => Promise<KeyValues | undefined>,
  ): Promise<KeyValues | undefined> {
    let entry = this.reads.get(key);
    if (entry?.answeredAt !== undefined && this.clock.now() - entry.answeredAt >= REUSE_MS) entry = undefined;
    if (!entry) {
      const started: SharedRead = { reading: read() };
      this.reads.set(key, started);
      started.reading.then(
        () => {
          started.answeredAt = this.clock.now();
          // Forgotten once stale, so objects no pod reads any more are not kept.
          this.clock.setTimer(REUSE_MS, () => this.reads.get(key) === started && this.reads.delete(key));
        },
        () => this.reads.get(key) === started && this.reads.delete(key),
      );
      entry = started;
    }
    const values = await entry.reading;
    return values && new Map(values);
  }

  private async readConfigMap(namespace: string, name: string): Promise<KeyValues | undefined> {
    try {
      const cm = await this.client
        .resource<ConfigMap & KubeObject>('v1', 'ConfigMap')
        .namespace(namespace)
        .get(name);
      const out: KeyValues = new Map();
      for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
      for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
      return out;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async readSecret(namespace: string, name: string): Promise<KeyValues | undefined> {
    try {
      const secret = await this.client
        .resource<Secret & KubeObject>('v1', 'Secret')
        .namespace(namespace)
        .get(name);
      const out: KeyValues = new Map();
      for (const [k, v] of Object.entries(secret.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
      return out;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

/** A missing required source stops the container from starting (CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}
