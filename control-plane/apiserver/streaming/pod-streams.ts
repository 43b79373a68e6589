// pods/log, pods/exec, pods/attach, pods/portforward (and nodes/proxy): find the pod's node and container,
// then hand the request to that node's kubelet (kubelet-proxy.ts). exec/attach/portforward
// must be upgrade requests (WebSocket or SPDY); log is a plain GET, streamed with follow.
import type { HttpSubresourceHandler } from '../handlers/resource.ts';
import type { ResourceRegistry } from '../registry/types.ts';
import { badRequest, methodNotAllowed } from '../status.ts';
import { kubeletLocation, nodeNameOf, resolveContainer } from './kubelet-location.ts';
import { nodeProxyHandler } from './node-proxy.ts';
import { proxyKubeletGet, proxyKubeletUpgrade, type KubeletClientTls } from './kubelet-proxy.ts';

const kubeletPaths = { exec: 'exec', attach: 'attach', portforward: 'portForward' } as const;

/** The query minus `container` (it moves into the kubelet path). */
function passQuery(query: URLSearchParams): string {
  const q = new URLSearchParams(query);
  q.delete('container');
  const s = q.toString();
  return s ? `?${s}` : '';
}

const seg = encodeURIComponent;

export function podStreamingHandlers(
  registries: ReadonlyMap<string, ResourceRegistry>,
  tls: KubeletClientTls,
): Map<string, HttpSubresourceHandler> {
  const nodes = registries.get('/v1/nodes');
  if (!nodes) throw new Error('pod streaming needs the nodes registry');

  const log: HttpSubresourceHandler = async (call, info, pods, ctx) => {
    if (info.verb !== 'get') throw methodNotAllowed();
    const pod = await pods.get(ctx, info.namespace, info.name);
    const container = resolveContainer(pod, call.query.get('container'));
    const nodeName = nodeNameOf(pod);
    if (!nodeName) {
      // Not scheduled yet: nothing has run, so there is nothing to show (as upstream).
      call.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 }).end();
      return undefined;
    }
    const to = await kubeletLocation(nodes, ctx, nodeName);
    const path = `/containerLogs/${seg(info.namespace)}/${seg(info.name)}/${seg(container)}${passQuery(call.query)}`;
    await proxyKubeletGet(call, tls, to, path);
    return undefined;
  };

  const stream =
    (kind: keyof typeof kubeletPaths): HttpSubresourceHandler =>
    async (call, info, pods, ctx) => {
      if (info.verb !== 'get' && info.verb !== 'create') throw methodNotAllowed();
      if (!call.upgrade) throw badRequest('Upgrade request required');
      const pod = await pods.get(ctx, info.namespace, info.name);
      const nodeName = nodeNameOf(pod);
      if (!nodeName) throw badRequest(`pod ${info.name} does not have a host assigned`);
      let path = `/${kubeletPaths[kind]}/${seg(info.namespace)}/${seg(info.name)}`;
      if (kind !== 'portforward') path += `/${seg(resolveContainer(pod, call.query.get('container')))}`;
      const to = await kubeletLocation(nodes, ctx, nodeName);
      await proxyKubeletUpgrade(call, call.upgrade, tls, to, path + passQuery(call.query));
      return undefined;
    };

  return new Map([
    ['/pods/log', log],
    ['/pods/exec', stream('exec')],
    ['/pods/attach', stream('attach')],
    ['/pods/portforward', stream('portforward')],
    ['/nodes/proxy', nodeProxyHandler(tls)],
  ]);
}
