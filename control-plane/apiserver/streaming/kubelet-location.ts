// Where a pod's streams are served: the kubelet of its node, at the node's InternalIP and the
// port the node reports in status.daemonEndpoints, with the container resolved and checked
// the way upstream's pod registry does it (pkg/registry/core/pod/strategy.go streamLocation).
import type { KubeObject, RequestContext, ResourceRegistry } from '../registry/types.ts';
import { StatusError, badRequest } from '../status.ts';

export interface KubeletLocation {
  host: string;
  port: number;
}

/** The pod's container named by `container`, or its only one; a 400 otherwise, in upstream's words. */
export function resolveContainer(pod: KubeObject, container: string | null): string {
  const spec = (pod.spec ?? {}) as Record<string, any>;
  const names = (list: unknown) => (Array.isArray(list) ? list.map((c: any) => String(c.name)) : []);
  const containers = names(spec.containers);
  const inits = names(spec.initContainers);
  const ephemeral = names(spec.ephemeralContainers);
  const podName = String(pod.metadata?.name ?? '');
  if (!container) {
    if (containers.length === 1) return containers[0]!;
    let message = `a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]`;
    if (inits.length) message += ` or one of the init containers: [${inits.join(' ')}]`;
    if (ephemeral.length) message += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
    throw badRequest(message);
  }
  if (![...containers, ...inits, ...ephemeral].includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${podName}`);
  }
  return container;
}

export function nodeNameOf(pod: KubeObject): string {
  return String((pod.spec as Record<string, unknown> | undefined)?.nodeName ?? '');
}

export async function kubeletLocation(
  nodes: ResourceRegistry,
  ctx: RequestContext,
  nodeName: string,
): Promise<KubeletLocation> {
  const node = await nodes.get(ctx, '', nodeName);
  const status = (node.status ?? {}) as Record<string, any>;
  const addresses: { type: string; address: string }[] = status.addresses ?? [];
  // Upstream's default --kubelet-preferred-address-types order, minus the DNS names.
  const preferred = ['InternalIP', 'ExternalIP', 'Hostname'];
  const address = preferred
    .map((type) => addresses.find((a) => a.type === type)?.address)
    .find((a): a is string => Boolean(a));
  if (!address) {
    throw badRequest(`no preferred addresses found; known addresses: ${JSON.stringify(addresses)}`);
  }
  const port = Number(status.daemonEndpoints?.kubeletEndpoint?.Port) || 10250;
  return { host: address, port };
}

export function backendError(code: number, message: string): StatusError {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    500: 'InternalError',
    503: 'ServiceUnavailable',
  };
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reasons[code] ?? 'InternalError',
    code,
  });
}
