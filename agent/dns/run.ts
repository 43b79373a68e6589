// Cluster DNS inside the agent: informers on Services and EndpointSlices (the agent's shared
// ones, agent/informers.ts: the only API traffic), and the server on the node IP:53. Pods reach it through the
// kube-dns Service (10.96.0.10), whose endpoints the control plane's cluster-dns controller
// points at every Ready node running it.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import {
  silentLogger,
  type Client,
  type Logger,
  type SharedInformerFactory,
} from '../../api/client/index.ts';
import { componentInformers, waitForInformers } from '../informers.ts';
import {
  ClusterRecords,
  serviceIndexers,
  sliceIndexers,
  type ServiceObject,
  type SliceObject,
} from './cluster-records.ts';
import { Forwarder, parseUpstream, upstreamsFromResolvConf } from './forwarder.ts';
import { DnsServer, renderDnsMetrics } from './server.ts';
import { runNodeService } from '../node-service.ts';

export interface ClusterDnsOptions {
  client: Client;
  /** `ip:port` (or `[ip6]:port`) to serve on; the agent's default is `<nodeIP>:53`. */
  listen: string;
  clusterDomain: string;
  /** Upstream resolvers; default the nameservers of `resolvConf`. */
  upstreams?: string[];
  resolvConf?: string;
  /** Prometheus metrics on `<listen host>:metricsPort` (/metrics); default 9153, 0 for none. */
  metricsPort?: number;
  /** The Node to mark as serving DNS (annotation `clusterDnsAnnotation`), for the kube-dns endpoints. */
  nodeName?: string;
  /** The agent's shared informers; without them it watches on its own (its tests). */
  informers?: SharedInformerFactory;
  logger?: Logger;
}

/** On a Node: `ip:port` its agent answers cluster DNS on. */
export const clusterDnsAnnotation = 'dns.flotilla.io/listen';

export interface RunningClusterDns {
  port: number;
  close(): Promise<void>;
}

/** Starts the informers and the server; answers NXDOMAIN-free only once the caches synced. */
export async function startClusterDns(
  opts: ClusterDnsOptions,
  signal: AbortSignal,
): Promise<RunningClusterDns> {
  const logger = opts.logger ?? silentLogger;
  const informers = componentInformers({ ...opts, logger }, signal);
  const services = informers.informerFor<ServiceObject>('v1', 'Service', {
    indexers: serviceIndexers,
  });
  const slices = informers.informerFor<SliceObject>('discovery.k8s.io/v1', 'EndpointSlice', {
    indexers: sliceIndexers,
  });
  // Answering before the caches are full would turn every existing service into NXDOMAIN.
  await waitForInformers([services, slices], signal);
  const self = parseUpstream(opts.listen);
  const upstreams = opts.upstreams
    ? opts.upstreams.map(parseUpstream)
    : upstreamsFromResolvConf(readText(opts.resolvConf ?? '/etc/resolv.conf'), self);
  const server = new DnsServer({
    records: new ClusterRecords(services.store, slices.store),
    zone: opts.clusterDomain,
    forwarder: new Forwarder({ upstreams }),
    logger,
  });
  const port = await server.listen(self.host, self.port);
  const metrics = await serveMetrics(server, self.host, opts.metricsPort ?? 9153, logger);
  logger.info('cluster DNS serving', {
    listen: `${self.host}:${port}`,
    upstreams: upstreams.map((u) => `${u.host}:${u.port}`).join(','),
  });
  return {
    port,
    close: async () => {
      metrics?.close();
      await server.close();
    },
  };
}

/** Runs until the signal aborts (the agent's shape): retries starting, marks the Node (agent/node-service.ts). */
export async function runClusterDns(opts: ClusterDnsOptions, signal: AbortSignal): Promise<void> {
  const self = parseUpstream(opts.listen);
  // Until the node says so, the cluster-dns controller leaves it out of kube-dns's endpoints.
  await runNodeService(
    {
      what: 'cluster DNS',
      start: (attemptSignal) => startClusterDns(opts, attemptSignal),
      client: opts.client,
      nodeName: opts.nodeName,
      annotation: clusterDnsAnnotation,
      value: (running) => `${self.host}:${running.port}`,
      logger: opts.logger ?? silentLogger,
      context: { listen: opts.listen },
    },
    signal,
  );
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The kube-dns `metrics` port: counters for Prometheus; a port we cannot have is only a warning. */
async function serveMetrics(
  dns: DnsServer,
  host: string,
  port: number,
  logger: Logger,
): Promise<Server | undefined> {
  if (port === 0) return undefined;
  const http = createServer((req, res) => {
    if (req.url !== '/metrics') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(renderDnsMetrics(dns.metrics));
  });
  try {
    await new Promise<void>((resolve, reject) => http.once('error', reject).listen(port, host, resolve));
    return http;
  } catch (err) {
    logger.warn('cluster DNS metrics not served', { port, error: String(err) });
    return undefined;
  }
}
