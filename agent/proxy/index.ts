// kube-proxy inside the agent, in iptables or nftables mode: informers on Services and
// EndpointSlices feed the mode's proxier, and a loop syncs at most every `minSyncIntervalMs`
// (upstream --iptables-min-sync-period) and at least every `syncIntervalMs` (--iptables-sync-
// period, which also repairs what someone else removed). Starting in one mode removes the other
// mode's rules.
import { networkInterfaces } from 'node:os';
import type { Client, KubeObject, Logger, SharedInformerFactory } from '../../api/client/index.ts';
import type { EndpointSlice } from '../../api/types/endpoint-slice.ts';
import type { Service } from '../../api/types/service.ts';
import { componentInformers, removeOnAbort, waitForInformers } from '../informers.ts';
import { systemIptables, type Iptables } from './iptables.ts';
import { removeIptablesLeftovers, removeNftablesLeftovers } from './leftovers.ts';
import { systemNft, type Nft } from './nftables/nft.ts';
import { NftablesProxier } from './nftables/proxier.ts';
import { Proxier } from './proxier.ts';
import type { ProxierBase, ProxierBaseOptions } from './proxier-base.ts';
import { PROXY_HEALTHZ_PORT, ProxyHealth, serveProxyHealth } from './proxy-health.ts';
import { healthCheckTargets, ServiceHealthServer } from './service-health.ts';
import { enableKernelSettings } from './sysctl.ts';

export { NftablesProxier } from './nftables/proxier.ts';
export { Proxier } from './proxier.ts';
export { buildRules } from './rules.ts';
export { servicePortsOf } from './service-ports.ts';

export const PROXY_MODES = ['iptables', 'nftables', 'none'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

export interface ProxyConfig {
  mode: ProxyMode;
  /** The pod network (agent config clusterCIDR), e.g. 10.244.0.0/16. */
  clusterCIDR?: string;
  /** The ClusterIP range (agent config serviceCIDR), e.g. 10.96.0.0/12. */
  serviceCIDR?: string;
  /** Config keys that still work but should go: logged as warnings when the proxy starts. */
  deprecations?: string[];
  /** CIDRs whose local addresses take NodePort traffic; empty: every local address. */
  nodePortAddresses?: string[];
  /** kube-proxy's /healthz (upstream --healthz-bind-address); default 0.0.0.0:10256. */
  healthzBindAddress?: string;
}

export interface RunProxyOptions {
  client: Client;
  nodeName: string;
  config: ProxyConfig;
  logger: Logger;
  /** The agent's shared informers; without them it watches on its own (its tests). */
  informers?: SharedInformerFactory;
  iptables?: Iptables;
  nft?: Nft;
  minSyncIntervalMs?: number;
  syncIntervalMs?: number;
  fullSyncIntervalMs?: number;
}

/** Runs until the signal aborts. Does nothing in mode 'none'. */
export async function runProxy(opts: RunProxyOptions, signal: AbortSignal): Promise<void> {
  const mode = opts.config.mode;
  const { logger, minSyncIntervalMs = 250, syncIntervalMs = 30_000 } = opts;
  for (const deprecation of opts.config.deprecations ?? []) logger.warn(deprecation);
  if (mode === 'none') return;
  enableKernelSettings(logger);
  const proxier = await createProxier(opts);
  // Upstream's health timeout: a change may wait up to twice the sync period.
  const health = new ProxyHealth(2 * syncIntervalMs);
  const healthz = await serveProxyHealth(
    health,
    opts.config.healthzBindAddress ?? `0.0.0.0:${PROXY_HEALTHZ_PORT}`,
    logger,
  );
  const serviceHealth = new ServiceHealthServer({ logger, proxyHealthy: () => health.healthy() });
  signal.addEventListener(
    'abort',
    () => {
      healthz?.close();
      void serviceHealth.close();
    },
    { once: true },
  );
  const changed =
    <T>(apply: (o: T) => void) =>
    (o: T) => {
      apply(o);
      health.queued();
    };
  const factory = componentInformers(opts, signal);
  const services = factory.informerFor<Service & KubeObject>('v1', 'Service');
  const slices = factory.informerFor<EndpointSlice & KubeObject>('discovery.k8s.io/v1', 'EndpointSlice');
  removeOnAbort(
    signal,
    services.addEventHandler({
      onAdd: changed((s) => proxier.setService(s)),
      onUpdate: (_, s) => changed((x: Service) => proxier.setService(x))(s),
      onDelete: changed((s) => proxier.deleteService(s)),
    }),
    slices.addEventHandler({
      onAdd: changed((s) => proxier.setEndpointSlice(s)),
      onUpdate: (_, s) => changed((x: EndpointSlice) => proxier.setEndpointSlice(x))(s),
      onDelete: changed((s) => proxier.deleteEndpointSlice(s)),
    }),
  );
  try {
    await waitForInformers([services, slices], signal);
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
  logger.info(`kube-proxy (${mode}) started`, { node: opts.nodeName });
  while (!signal.aborted) {
    const started = Date.now();
    try {
      const result = await proxier.sync();
      health.updated();
      if (!signal.aborted) serviceHealth.sync(healthCheckTargets(proxier.programmedPorts()));
      logger.info(`${mode} synced`, {
        full: result.full,
        services: result.services,
        ms: Date.now() - started,
      });
    } catch (err) {
      logger.error(`${mode} sync failed; the next one is full`, { error: String(err) });
    }
    await sleep(minSyncIntervalMs, signal);
    const periodic = new AbortController();
    const timer = setTimeout(() => periodic.abort(), Math.max(0, syncIntervalMs - minSyncIntervalMs));
    const onAbort = () => periodic.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    await Promise.race([
      proxier.whenPending(),
      new Promise((r) => periodic.signal.addEventListener('abort', r)),
    ]);
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  // Its own informers (run alone) stop with the signal; the agent's shared ones the agent awaits.
  if (!opts.informers) await factory.stopped();
}

/** The mode's proxier, after removing the other mode's leftovers (a node that switched modes). */
async function createProxier(opts: RunProxyOptions): Promise<ProxierBase> {
  const { logger } = opts;
  const base: ProxierBaseOptions = {
    nodeName: opts.nodeName,
    clusterCIDR: opts.config.clusterCIDR,
    serviceCIDR: opts.config.serviceCIDR,
    nodePortIPs: nodePortIPs(opts.config.nodePortAddresses),
    fullSyncIntervalMs: opts.fullSyncIntervalMs,
    logger,
  };
  const iptables = opts.iptables ?? systemIptables();
  const nft = opts.nft ?? systemNft();
  // A missing tool means the other mode never ran here: nothing to clean up.
  const cleanup = (what: string, run: () => Promise<void>) =>
    run().catch((err: unknown) => logger.info(`no ${what} leftovers removed`, { error: String(err) }));
  if (opts.config.mode === 'nftables') {
    await cleanup('iptables', () => removeIptablesLeftovers(iptables, logger));
    return new NftablesProxier({ ...base, nft });
  }
  await cleanup('nftables', () => removeNftablesLeftovers(nft, logger));
  return new Proxier({ ...base, iptables });
}

/** The local IPv4 addresses inside `cidrs`, looked up on every sync (addresses come and go). */
function nodePortIPs(cidrs: string[] | undefined): (() => string[]) | undefined {
  if (!cidrs || cidrs.length === 0) return undefined;
  return () =>
    Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && cidrs.some((c) => inCidr(a.address, c)))
      .map((a) => a!.address);
}

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base!) / size);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
