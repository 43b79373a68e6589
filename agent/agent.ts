// The node agent: connects to the API server, registers the Node, keeps its Lease and status
// fresh, sets up the pod network once the node has a podCIDR, and runs the kubelet's pod loop.
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Client, type Logger } from '../api/client/index.ts';
import { agentLogger } from './logger.ts';
import { NodeTransport, nodeTransportFromKubeconfig } from '../api/client/transport-node.ts';
import type { AgentConfig } from './config.ts';
import {
  AGENT_API_CONNECTIONS,
  ensureNodeCredentials,
  kubeletApiConfig,
  rotatingNodeClient,
} from './bootstrap/index.ts';
import { CriClient } from './kubelet/cri/index.ts';
import { KubeletEvent, kubeletEventRecorder, nodeObject } from './kubelet/events.ts';
import { runKubelet } from './kubelet/kubelet.ts';
import { runNodeLeaseLoop } from './kubelet/node-lease.ts';
import { machineStatus, registerNode, runNodeStatusLoop, sleep } from './kubelet/node-status.ts';
import { configurePodNetwork } from './kubelet/pod-cidr.ts';
import { runKubeletApi } from './kubelet/server/run.ts';
import { runPodRoutes } from './cni/routes.ts';
import { runClusterDns } from './dns/run.ts';
import { runIngress } from './ingress/run.ts';
import { runProxy } from './proxy/index.ts';
import { agentInformerFactory } from './informers.ts';

export function agentClient(config: AgentConfig): Client {
  const opts = { maxSockets: AGENT_API_CONNECTIONS };
  if (config.kubeconfig)
    return new Client(nodeTransportFromKubeconfig({ kubeconfig: config.kubeconfig }, opts));
  return new Client(
    new NodeTransport(
      {
        server: config.apiServer!,
        ca: config.caFile ? readFileSync(config.caFile, 'utf8') : undefined,
        token: config.token,
      },
      opts,
    ),
  );
}

/** Runs until the signal aborts. */
export async function runAgent(
  config: AgentConfig,
  signal: AbortSignal,
  logger: Logger = agentLogger,
): Promise<void> {
  // Every loop below (and their watches, sleeps and retries) listens on this one signal; a dozen
  // listeners is by design here, not a leak, so Node's warning at 11 would only be noise.
  setMaxListeners(100, signal);
  // A node joining with a bootstrap token first trades it for its own credential.
  config = await ensureNodeCredentials(config, { logger, signal });
  // Its certificate then renews itself before it expires.
  const client = config.bootstrapKubeconfig ? rotatingNodeClient(config, { logger }) : agentClient(config);
  const cri = new CriClient(config.containerRuntimeEndpoint);
  // One list+watch and one cache per resource for every part below (agent/informers.ts). They
  // and every loop stop on `running`: at shutdown, and also when one part fails while the
  // others still run.
  const running = new AbortController();
  const stopRunning = () => running.abort();
  signal.addEventListener('abort', stopRunning, { once: true });
  const runSignal = running.signal;
  setMaxListeners(100, runSignal);
  const informers = agentInformerFactory(client, logger);
  informers.start(runSignal);
  try {
    const base = {
      client,
      cri,
      nodeName: config.nodeName,
      nodeIP: config.nodeIP,
      kubeletPort: config.kubeletPort,
      logger,
    };
    let node;
    for (;;) {
      try {
        node = await registerNode(base);
        break;
      } catch (err) {
        if (runSignal.aborted) return;
        logger.warn('registering the node failed; retrying', { node: config.nodeName, error: String(err) });
        await sleep(2000, runSignal);
      }
    }
    const machine = await machineStatus(base);
    const events = kubeletEventRecorder(client, config.nodeName, logger);
    const nodeRef = nodeObject(config.nodeName);
    events.event(nodeRef, 'Normal', KubeletEvent.Starting, 'Starting kubelet.');
    const onReadyChange = (ready: boolean) =>
      events.event(
        nodeRef,
        'Normal',
        ready ? KubeletEvent.NodeReady : KubeletEvent.NodeNotReady,
        `Node ${config.nodeName} status is now: ${ready ? 'NodeReady' : 'NodeNotReady'}`,
      );
    await Promise.all([
      // A node that joined with a bootstrap token serves with the certificate it asked for.
      kubeletApiConfig(config, client, { logger, signal: runSignal }).then((c) =>
        runKubeletApi(c, cri, logger, runSignal),
      ),
      runNodeStatusLoop({ ...base, onReadyChange, dataDir: config.dataDir }, runSignal),
      runNodeLeaseLoop({ client, node, renewSeconds: config.leaseRenewSeconds, logger }, runSignal),
      configurePodNetwork(
        { ...base, podCIDR: config.podCIDR, cniConfDir: config.cniConfDir, dataDir: config.dataDir },
        runSignal,
      ),
      runKubelet(
        {
          ...base,
          dataDir: config.dataDir,
          cgroupParent: config.cgroupParent,
          clusterDNS: config.clusterDNS,
          clusterDomain: config.clusterDomain,
          nodeAllocatable: { cpu: machine.allocatable!.cpu!, memory: machine.allocatable!.memory! },
          events,
          informers,
        },
        runSignal,
      ),
      config.podRoutes !== 'none' &&
        runPodRoutes({ ...base, mode: config.podRoutes, clusterCIDR: config.clusterCIDR }, runSignal),
      runProxy({ client, nodeName: config.nodeName, config: config.proxy, informers, logger }, runSignal),
      config.dns.enabled &&
        runClusterDns(
          {
            client,
            listen: config.dns.listen,
            clusterDomain: config.clusterDomain,
            nodeName: config.nodeName,
            informers,
            logger,
          },
          runSignal,
        ),
      config.ingress.enabled &&
        runIngress(
          {
            client,
            address: config.nodeIP,
            httpPort: config.ingress.httpPort,
            httpsPort: config.ingress.httpsPort,
            nodeName: config.nodeName,
            informers,
            logger,
          },
          runSignal,
        ),
    ]);
  } finally {
    signal.removeEventListener('abort', stopRunning);
    running.abort();
    await informers.stopped();
    cri.close();
    client.close();
  }
}
