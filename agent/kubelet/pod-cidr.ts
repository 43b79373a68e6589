// The pod network needs the node's podCIDR: either fixed in the config, or assigned by the
// node IPAM controller into spec.podCIDR. Until the CNI config exists the runtime reports
// NetworkReady=false, so the node stays NotReady and no pod sandbox can get an address.
import { join } from 'node:path';
import type { Client, Logger } from '../../api/client/index.ts';
import type { KubeObject } from '../../api/client/index.ts';
import type { Node } from '../../api/types/node.ts';
import { writePodNetworkConfig } from '../cni/write.ts';
import { BRING_UP_POLL_MS, sleep } from './node-status.ts';

export async function waitForPodCIDR(client: Client, nodeName: string, signal: AbortSignal): Promise<string> {
  const nodes = client.resource<Node & KubeObject>('v1', 'Node');
  while (!signal.aborted) {
    try {
      const cidr = (await nodes.get(nodeName)).spec?.podCIDR;
      if (cidr) return cidr;
    } catch {
      // The API server may be restarting: ask again.
    }
    // The node IPAM controller assigns it within moments of registration; the node cannot be
    // Ready without it, so ask often (one small GET) rather than every second.
    await sleep(BRING_UP_POLL_MS, signal);
  }
  throw new Error('stopped while waiting for the node podCIDR');
}

export async function configurePodNetwork(
  opts: {
    client: Client;
    nodeName: string;
    podCIDR: string;
    cniConfDir: string;
    dataDir: string;
    logger: Logger;
  },
  signal: AbortSignal,
): Promise<string> {
  const podCIDR =
    opts.podCIDR === 'node' ? await waitForPodCIDR(opts.client, opts.nodeName, signal) : opts.podCIDR;
  writePodNetworkConfig(opts.cniConfDir, { podCIDR, ipamDataDir: join(opts.dataDir, 'cni', 'ipam') });
  opts.logger.info('pod network configured', { node: opts.nodeName, podCIDR });
  return podCIDR;
}
