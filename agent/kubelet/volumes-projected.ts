// Key-file volumes (configMap, secret, downwardAPI, projected) as one payload each, written by
// the atomic writer (upstream pkg/volume/{configmap,secret,downwardapi,projected}). A projected
// volume merges its sources into one directory: ConfigMap and Secret keys, downward API fields
// and a service account token (requested for the pod, refreshed before it expires). This is
// how the kube-api-access-* volume gives a pod token, ca.crt and namespace.
import type { KeyToPath, Volume } from '../../api/types/volume.ts';
import { ContainerConfigError, type ConfigSources, type KeyValues } from './config-sources.ts';
import type { Payload } from './volumes-atomic-writer.ts';
import { downwardPayload, type DownwardContext } from './volumes-downward.ts';
import type { ServiceAccountTokens } from './volumes-token.ts';

export interface KeyFileContext extends DownwardContext {
  sources: ConfigSources;
  tokens: ServiceAccountTokens;
}

const DEFAULT_MODE = 0o644;
/** Upstream's default lifetime of a projected token. */
const DEFAULT_TOKEN_SECONDS = 3600;

/** Whether the volume is one the atomic writer fills (and keeps up to date). */
export function isKeyFileVolume(v: Volume): boolean {
  return !!(v.configMap || v.secret || v.downwardAPI || v.projected);
}

export async function keyFilePayload(volume: Volume, ctx: KeyFileContext): Promise<Payload> {
  const ns = ctx.pod.metadata!.namespace!;
  if (volume.configMap) {
    const { name = '', items, optional, defaultMode } = volume.configMap;
    const data = await ctx.sources.configMap(ns, name);
    if (!data && !optional) throw new ContainerConfigError(`configmap "${name}" not found`);
    return keysPayload('configmap', name, data ?? new Map(), items, defaultMode ?? DEFAULT_MODE, optional);
  }
  if (volume.secret) {
    const { secretName = '', items, optional, defaultMode } = volume.secret;
    const data = await ctx.sources.secret(ns, secretName);
    if (!data && !optional) throw new ContainerConfigError(`secret "${secretName}" not found`);
    return keysPayload('secret', secretName, data ?? new Map(), items, defaultMode ?? DEFAULT_MODE, optional);
  }
  if (volume.downwardAPI)
    return downwardPayload(
      volume.downwardAPI.items ?? [],
      volume.downwardAPI.defaultMode ?? DEFAULT_MODE,
      ctx,
    );
  if (volume.projected) return projectedPayload(volume.projected, ctx);
  throw new Error(`volume ${volume.name} has no key files`);
}

async function projectedPayload(
  projected: NonNullable<Volume['projected']>,
  ctx: KeyFileContext,
): Promise<Payload> {
  const mode = projected.defaultMode ?? DEFAULT_MODE;
  const ns = ctx.pod.metadata!.namespace!;
  const payload: Payload = new Map();
  const merge = (part: Payload) => {
    for (const [path, file] of part) payload.set(path, file);
  };
  for (const source of projected.sources ?? []) {
    if (source.configMap) {
      const { name = '', items, optional } = source.configMap;
      const data = await ctx.sources.configMap(ns, name);
      if (!data && !optional) throw new ContainerConfigError(`configmap "${name}" not found`);
      merge(keysPayload('configmap', name, data ?? new Map(), items, mode, optional));
    } else if (source.secret) {
      const { name = '', items, optional } = source.secret;
      const data = await ctx.sources.secret(ns, name);
      if (!data && !optional) throw new ContainerConfigError(`secret "${name}" not found`);
      merge(keysPayload('secret', name, data ?? new Map(), items, mode, optional));
    } else if (source.downwardAPI) {
      merge(downwardPayload(source.downwardAPI.items ?? [], mode, ctx));
    } else if (source.serviceAccountToken) {
      const { audience, expirationSeconds, path } = source.serviceAccountToken;
      const token = await ctx.tokens.token(ctx.pod, audience, expirationSeconds ?? DEFAULT_TOKEN_SECONDS);
      // Upstream writes the token 0600 when the pod sets no fsGroup; 0644 keeps it readable for
      // a container running as another user, which is what the default mode means here.
      payload.set(path, { data: Buffer.from(token, 'utf8'), mode });
    }
  }
  return payload;
}

/** Keys as files: every key, or only the items named (each must exist unless optional). */
function keysPayload(
  kind: string,
  name: string,
  data: KeyValues,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean | undefined,
): Payload {
  const payload: Payload = new Map();
  if (!items) {
    for (const [key, value] of data) payload.set(key, { data: value, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (optional) continue;
      throw new ContainerConfigError(`configuration of ${kind} "${name}" has no key "${item.key}"`);
    }
    payload.set(item.path, { data: value, mode: item.mode ?? defaultMode });
  }
  return payload;
}
