// Pod routes from the agent, for an agent running inside its node (config `podRoutes`): a
// watch on the Nodes keeps, in this node's network namespace, a route to every other node's
// podCIDR: via its InternalIP when it shares a link with us (host-gw), else through the VXLAN
// device (vxlan.ts; `podRoutes: vxlan` uses it for every node). This node's VTEP MAC goes into
// its own Node's annotations for the others. Our routes carry protocol 70, which is how we find
// them again: routes of deleted nodes go, routes we did not make stay alone. The nat RETURN rule
// for pod-to-pod traffic is added when the provider has not made one.
import {
  RateLimitingQueue,
  runWorkers,
  SharedInformerFactory,
  type Client,
  type KubeObject,
  type Logger,
} from '../../api/client/index.ts';
import type { Node } from '../../api/types/node.ts';
import { ensurePodToPodReturn } from './routes-masquerade.ts';
import { ipJson, isOnLink, run } from './routes-ip.ts';
import { planRoutes, VTEP_MAC_ANNOTATION, type PodRoutesMode, type RoutePlan } from './routes-plan.ts';
import { ensureVxlanDevice, syncVxlanPeers, VXLAN_DEVICE } from './vxlan.ts';

/** The rtnetlink protocol our routes carry (any unused number; 70 is 'F'). */
export const ROUTE_PROTOCOL = '70';

export interface PodRoutesOptions {
  client: Client;
  nodeName: string;
  nodeIP: string;
  mode: PodRoutesMode;
  clusterCIDR: string;
  logger: Logger;
}

const SYNC_KEY = 'routes';

export async function runPodRoutes(opts: PodRoutesOptions, signal: AbortSignal): Promise<void> {
  const factory = new SharedInformerFactory(opts.client, { logger: { ...opts.logger, info: () => {} } });
  const nodes = factory.informerFor<Node & KubeObject>('v1', 'Node');
  const queue = new RateLimitingQueue<string>();
  const wake = () => queue.add(SYNC_KEY);
  nodes.addEventHandler({ onAdd: wake, onUpdate: wake, onDelete: wake });
  factory.start(signal);
  await factory.waitForCacheSync({ signal });
  let vtepPublished = '';
  let returnRuleFor = '';
  wake();
  await runWorkers({
    queue,
    workers: 1,
    signal,
    sync: async () => {
      const self = nodes.list().find((n) => n.metadata?.name === opts.nodeName);
      const podCIDR = self?.spec?.podCIDR;
      if (!self || !podCIDR) return; // the node IPAM has not given us one yet
      if (returnRuleFor !== podCIDR) {
        if (await ensurePodToPodReturn(podCIDR, opts.clusterCIDR))
          opts.logger.info('pod-to-pod traffic exempted from masquerade', { podCIDR });
        returnRuleFor = podCIDR;
      }
      const mac = await ensureVxlanDevice(opts.nodeIP, podCIDR);
      if (vtepPublished !== mac && self.metadata?.annotations?.[VTEP_MAC_ANNOTATION] !== mac) {
        await opts.client
          .resource<Node & KubeObject>('v1', 'Node')
          .patch(opts.nodeName, 'merge', { metadata: { annotations: { [VTEP_MAC_ANNOTATION]: mac } } });
      }
      vtepPublished = mac;
      const onLink = new Map<string, boolean>();
      for (const n of nodes.list())
        for (const a of n.status?.addresses ?? [])
          if (a.type === 'InternalIP') onLink.set(a.address, await isOnLink(a.address));
      const plan = planRoutes(opts.nodeName, nodes.list(), opts.mode, (ip) => onLink.get(ip) ?? false);
      await applyPlan(plan, opts.logger);
    },
    onError: (_key, err) => opts.logger.warn('programming pod routes failed', { error: String(err) }),
  });
}

/** Makes our routes, neighbours and forwarding entries exactly the plan's. */
export async function applyPlan(plan: RoutePlan, logger: Logger): Promise<void> {
  await syncVxlanPeers(plan.vxlan);
  const wanted = new Map<string, string[]>();
  for (const r of plan.direct) wanted.set(r.podCIDR, ['via', r.via]);
  for (const p of plan.vxlan) wanted.set(p.podCIDR, ['via', p.vtepIP, 'dev', VXLAN_DEVICE, 'onlink']);
  const existing = await ipJson<{ dst: string; protocol?: string | number }>(['route', 'show']);
  const ours = new Set(
    (await ipJson<{ dst: string }>(['route', 'show', 'proto', ROUTE_PROTOCOL])).map((r) => r.dst),
  );
  for (const [podCIDR, how] of wanted) {
    if (existing.some((r) => r.dst === podCIDR) && !ours.has(podCIDR)) continue; // someone else's
    await run('ip', ['route', 'replace', podCIDR, ...how, 'proto', ROUTE_PROTOCOL]);
    if (!ours.has(podCIDR)) logger.info('pod route added', { podCIDR, via: how[1] });
  }
  for (const dst of ours)
    if (!wanted.has(dst)) {
      await run('ip', ['route', 'del', dst, 'proto', ROUTE_PROTOCOL]).catch(() => undefined);
      logger.info('pod route removed', { podCIDR: dst });
    }
}
