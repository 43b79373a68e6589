// ConfigMaps and Secrets a pod consumes (env, envFrom, volumes), read from the API server
// when the pod's containers are set up. Secret values are decoded to bytes here, once.
// Concurrent reads of one object share a single GET: a burst of new pods in a namespace all
// mount its kube-root-ca.crt, and 25 identical GETs at once only took CPU from the pods.
import { isNotFound, type Client } from '../../api/client/index.ts';
import type { KubeObject } from '../../api/client/index.ts';
import type { ConfigMap } from '../../api/types/config-map.ts';
import type { Secret } from '../../api/types/secret.ts';

export type KeyValues = Map<string, Buffer>;

export class ConfigSources {
  private readonly inFlight = new Map<string, Promise<KeyValues | undefined>>();

  constructor(private readonly client: Client) {}

  /** The ConfigMap's keys (data and binaryData), or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<KeyValues | undefined> {
    return this.shared(`configmaps/${namespace}/${name}`, () => this.readConfigMap(namespace, name));
  }

  /** The Secret's keys, decoded, or undefined when it does not exist. */
  secret(namespace: string, name: string): Promise<KeyValues | undefined> {
    return this.shared(`secrets/${namespace}/${name}`, () => this.readSecret(namespace, name));
  }

  /** Joins a read of the same object already under way; each caller gets its own map. */
  private async shared(
    key: string,
    read: () => Promise<KeyValues | undefined>,
  ): Promise<KeyValues | undefined> {
    let reading = this.inFlight.get(key);
    if (!reading) {
      reading = read().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, reading);
    }
    const values = await reading;
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
