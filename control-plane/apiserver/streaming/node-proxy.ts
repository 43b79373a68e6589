// nodes/proxy: GET /api/v1/nodes/{name}/proxy/{path} reaches the node's kubelet API at /{path}
// (healthz, containerLogs...), as kube-apiserver-kubelet-client. Only plain GETs: the
// streaming kubelet paths have their pod subresources.
import type { HttpSubresourceHandler } from '../handlers/resource.ts';
import { methodNotAllowed } from '../status.ts';
import { kubeletLocation } from './kubelet-location.ts';
import { proxyKubeletGet, type KubeletClientTls } from './kubelet-proxy.ts';

export function nodeProxyHandler(tls: KubeletClientTls): HttpSubresourceHandler {
  return async (call, info, nodes, ctx) => {
    if (info.verb !== 'get' || call.upgrade) throw methodNotAllowed();
    const to = await kubeletLocation(nodes, ctx, info.name);
    const query = call.query.toString();
    const path = `/${info.rest.map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
    await proxyKubeletGet(call, tls, to, path);
    return undefined;
  };
}
