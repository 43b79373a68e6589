// downwardAPI volume files (upstream pkg/volume/downwardapi): pod fields and container
// resources as files. Labels and annotations are `key="value"` lines, sorted, like upstream's
// fieldpath.FormatMap; they are rewritten when the pod's metadata changes.
import { toBytes, toMilli } from '../../api/quantity.ts';
import type { Pod } from '../../api/types/pod.ts';
import type { DownwardAPIVolumeFile } from '../../api/types/volume.ts';
import { ContainerConfigError } from './config-sources.ts';
import { downwardField } from './env.ts';
import type { Payload } from './volumes-atomic-writer.ts';

export interface DownwardContext {
  pod: Pod;
  podIP: string;
  hostIP: string;
  nodeAllocatable: { cpu: string; memory: string };
}

export function downwardPayload(
  items: DownwardAPIVolumeFile[],
  defaultMode: number,
  ctx: DownwardContext,
): Payload {
  const payload: Payload = new Map();
  for (const item of items) {
    const value = item.fieldRef
      ? downwardVolumeField(item.fieldRef.fieldPath, ctx)
      : item.resourceFieldRef
        ? containerResource(item.resourceFieldRef, ctx)
        : '';
    payload.set(item.path, { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode });
  }
  return payload;
}

function downwardVolumeField(path: string, ctx: DownwardContext): string {
  const m = ctx.pod.metadata!;
  if (path === 'metadata.labels') return formatMap(m.labels);
  if (path === 'metadata.annotations') return formatMap(m.annotations);
  return downwardField(path, ctx);
}

/** Upstream FormatMap: sorted `key="value"` lines, the value quoted like Go's %q. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}\n`)
    .join('');
}

function containerResource(
  ref: { containerName?: string; resource: string; divisor?: string | number },
  ctx: DownwardContext,
): string {
  const containers = [...(ctx.pod.spec?.containers ?? []), ...(ctx.pod.spec?.initContainers ?? [])];
  const container = containers.find((c) => c.name === ref.containerName);
  if (!container) throw new ContainerConfigError(`container "${ref.containerName}" not found in the pod`);
  const [kind, name] = ref.resource.split('.') as ['limits' | 'requests', string];
  const own = container.resources?.[kind]?.[name] ?? container.resources?.limits?.[name];
  const divisor = String(ref.divisor ?? '1');
  if (name === 'cpu') {
    const value = own ?? (kind === 'limits' ? ctx.nodeAllocatable.cpu : '0');
    return String(Math.ceil(toMilli(String(value)) / toMilli(divisor)));
  }
  const value = own ?? (kind === 'limits' ? ctx.nodeAllocatable.memory : '0');
  return String(Math.ceil(toBytes(String(value)) / toBytes(divisor)));
}
