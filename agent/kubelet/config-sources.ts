// ConfigMaps and Secrets a pod consumes (env, envFrom, volumes), read from the API server
// when the pod's containers are set up. Secret values are decoded to bytes here, once.
import { isNotFound, type Client } from '../../api/client/index.ts';
import type { KubeObject } from '../../api/client/index.ts';
import type { ConfigMap } from '../../api/types/config-map.ts';
import type { Secret } from '../../api/types/secret.ts';

export type KeyValues = Map<string, Buffer>;

export class ConfigSources {
  constructor(private readonly client: Client) {}

  /** The ConfigMap's keys (data and binaryData), or undefined when it does not exist. */
  async configMap(namespace: string, name: string): Promise<KeyValues | undefined> {
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

  async secret(namespace: string, name: string): Promise<KeyValues | undefined> {
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
