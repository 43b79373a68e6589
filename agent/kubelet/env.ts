// A container's environment (upstream kubelet_pods.go makeEnvironmentVariables): envFrom
// first, then env in order, with $(VAR) references to earlier variables expanded; values from
// ConfigMaps, Secrets, the downward API (fieldRef) and the container's resources.
import { toBytes, toMilli } from '../../api/quantity.ts';
import type { Container, EnvVar } from '../../api/types/container.ts';
import type { Pod } from '../../api/types/pod.ts';
import { ContainerConfigError, type ConfigSources, type KeyValues } from './config-sources.ts';

export interface EnvContext {
  pod: Pod;
  podIP: string;
  hostIP: string;
  sources: ConfigSources;
  /** Node allocatable, the default for resourceFieldRef of an unset limit. */
  nodeAllocatable: { cpu: string; memory: string };
  /** Service link variables (service-env.ts): the lowest priority, overridden by env and envFrom. */
  serviceEnv?: Map<string, string>;
}

export async function containerEnv(
  container: Container,
  ctx: EnvContext,
): Promise<{ key: string; value: string }[]> {
  const ns = ctx.pod.metadata!.namespace!;
  const env = new Map<string, string>(ctx.serviceEnv ?? []);
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const kind = from.configMapRef ? 'configmap' : 'secret';
    const data = from.configMapRef
      ? await ctx.sources.configMap(ns, ref.name)
      : await ctx.sources.secret(ns, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind} "${ref.name}" not found`);
    }
    for (const [k, v] of data) env.set(prefix + k, v.toString('utf8'));
  }
  for (const variable of container.env ?? [])
    env.set(variable.name, await envValue(variable, container, ctx, env));
  return [...env].map(([key, value]) => ({ key, value }));
}

async function envValue(
  variable: EnvVar,
  container: Container,
  ctx: EnvContext,
  earlier: Map<string, string>,
): Promise<string> {
  if (variable.value !== undefined) return expandReferences(variable.value, earlier);
  const from = variable.valueFrom;
  if (!from) return '';
  const ns = ctx.pod.metadata!.namespace!;
  const keyed = async (
    kind: string,
    ref: { name?: string; key: string; optional?: boolean },
    load: () => Promise<KeyValues | undefined>,
  ) => {
    const data = await load();
    const value = data?.get(ref.key);
    if (value !== undefined) return value.toString('utf8');
    if (ref.optional) return '';
    throw new ContainerConfigError(
      data ? `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}` : `${kind} "${ref.name}" not found`,
    );
  };
  if (from.configMapKeyRef)
    return keyed('ConfigMap', from.configMapKeyRef, () =>
      ctx.sources.configMap(ns, from.configMapKeyRef!.name ?? ''),
    );
  if (from.secretKeyRef)
    return keyed('Secret', from.secretKeyRef, () => ctx.sources.secret(ns, from.secretKeyRef!.name ?? ''));
  if (from.fieldRef) return downwardField(from.fieldRef.fieldPath, ctx);
  if (from.resourceFieldRef) {
    const { resource, divisor } = from.resourceFieldRef;
    const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
    const own = container.resources?.[kind]?.[name] ?? container.resources?.limits?.[name];
    const value = own ?? (name === 'cpu' ? ctx.nodeAllocatable.cpu : ctx.nodeAllocatable.memory);
    if (name === 'cpu') return String(Math.ceil(toMilli(value) / toMilli(divisor ?? '1')));
    return String(Math.ceil(toBytes(value) / toBytes(divisor ?? '1')));
  }
  return '';
}

/** The downward API fields upstream supports in env (pod-level fieldRef). */
export function downwardField(path: string, ctx: Pick<EnvContext, 'pod' | 'podIP' | 'hostIP'>): string {
  const m = ctx.pod.metadata!;
  const mapKey = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (mapKey) return (mapKey[1] === 'labels' ? m.labels : m.annotations)?.[mapKey[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return m.name ?? '';
    case 'metadata.namespace':
      return m.namespace ?? '';
    case 'metadata.uid':
      return m.uid ?? '';
    case 'spec.nodeName':
      return ctx.pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return ctx.pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    default:
      throw new ContainerConfigError(`unsupported fieldRef ${path}`);
  }
}

/** Replaces $(NAME) with known values; $$ escapes; unknown references stay as written. */
export function expandReferences(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name?: string) => {
    if (whole === '$$') return '$';
    return vars.get(name!) ?? whole;
  });
}
