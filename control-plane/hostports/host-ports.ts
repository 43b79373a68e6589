// Host access: the control plane process forwards 127.0.0.1:<nodePort>, 127.0.0.1:<load
// balancer port> (TCP and UDP) and the ingress's host ports to the cluster's nodes, so `curl localhost:PORT`
// and "open in browser" work on machines where node IPs are not routable (VMs on macOS and
// Windows). It follows Services and Nodes through informers and reconciles the set of
// listeners after every change. A port the host cannot give us (taken, privileged) is an event
// on the Service (Warning HostPortUnavailable), retried every `retryMs`, never a crash.
import {
  SharedInformerFactory,
  silentLogger,
  type Client,
  type KubeObject,
  type Logger,
} from '../../api/client/index.ts';
import type { EndpointSlice, Node, Service } from '../../api/types/index.ts';
import { ApiEventRecorder, type EventRecorder } from '../../api/client/event-recorder.ts';
import { TcpForwarder } from './tcp-forwarder.ts';
import { UdpForwarder } from './udp-forwarder.ts';
import { hostPortKey, targets, wantedPorts, type IngressHostPorts, type WantedPort } from './wanted-ports.ts';

export interface HostPortsOptions {
  client: Client;
  /** Where the ports open on the host. Default 127.0.0.1. */
  address?: string;
  /** Host ports for the ingress controller's HTTP and HTTPS (0 or absent: none). */
  ingress?: IngressHostPorts;
  recorder?: EventRecorder;
  logger?: Logger;
  /** How soon a port that could not be opened is tried again. Default 30 s. */
  retryMs?: number;
}

export interface RunningHostPorts {
  /** `port/protocol` (`30080/TCP`) -> owner (`ns/name` or `ingress`) of the ports open right now. */
  open(): Map<string, string>;
  close(): Promise<void>;
}

type Kube<T> = T & KubeObject;

interface Listener {
  forwarder: TcpForwarder | UdpForwarder;
  wanted: WantedPort;
}

export function startHostPorts(opts: HostPortsOptions): RunningHostPorts {
  const address = opts.address ?? '127.0.0.1';
  const logger = opts.logger ?? silentLogger;
  const recorder =
    opts.recorder ?? new ApiEventRecorder({ client: opts.client, component: 'flotilla-hostports', logger });
  const retryMs = opts.retryMs ?? 30_000;
  const ac = new AbortController();
  const informers = new SharedInformerFactory(opts.client, { logger });
  const services = informers.informerFor<Kube<Service>>('v1', 'Service');
  const nodes = informers.informerFor<Kube<Node>>('v1', 'Node');
  const slices = informers.informerFor<Kube<EndpointSlice>>('discovery.k8s.io/v1', 'EndpointSlice', {
    indexers: { service: sliceService },
  });
  /** Node names of a service's ready endpoints (for externalTrafficPolicy Local). */
  const endpointNodes = (svc: Service | undefined): Set<string> | undefined => {
    if (svc?.spec?.externalTrafficPolicy !== 'Local') return undefined;
    const names = new Set<string>();
    for (const slice of slices.byIndex('service', `${svc.metadata?.namespace}/${svc.metadata?.name}`))
      for (const e of slice.endpoints ?? [])
        if (e.conditions?.ready !== false && e.nodeName) names.add(e.nodeName);
    return names;
  };
  const listeners = new Map<string, Listener>();
  /** Ports that failed to open, by `port/owner`, so each failure is reported once per cause. */
  const failed = new Map<string, string>();
  const reported = new Set<string>();
  let retryTimer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  let dirty = false;

  // One reconcile at a time; changes that arrive meanwhile fold into one more pass.
  const schedule = () => {
    if (ac.signal.aborted || dirty) return;
    dirty = true;
    running = running.then(async () => {
      dirty = false;
      if (!ac.signal.aborted)
        await reconcile().catch((err) => logger.warn('host ports', { error: String(err) }));
    });
  };

  async function reconcile(): Promise<void> {
    const { ports, conflicts } = wantedPorts(services.list(), opts.ingress);
    const wanted = new Map(ports.map((p) => [hostPortKey(p), p]));
    for (const [port, l] of listeners) {
      const w = wanted.get(port);
      if (
        !w ||
        w.owner !== l.wanted.owner ||
        w.nodePort !== l.wanted.nodePort ||
        w.nodes !== l.wanted.nodes
      ) {
        listeners.delete(port);
        await l.forwarder.close();
        logger.info('host port closed', { port, owner: l.wanted.owner });
      }
    }
    const nodeList = nodes.list();
    failed.clear();
    for (const w of ports) {
      const existing = listeners.get(hostPortKey(w));
      if (existing) {
        existing.forwarder.setTargets(targets(nodeList, w, endpointNodes(w.service)));
        continue;
      }
      const forwarder =
        w.protocol === 'UDP'
          ? new UdpForwarder(address, w.hostPort, targets(nodeList, w, endpointNodes(w.service)))
          : new TcpForwarder(address, w.hostPort, targets(nodeList, w, endpointNodes(w.service)));
      try {
        await forwarder.listen();
        listeners.set(hostPortKey(w), { forwarder, wanted: w });
        logger.info('host port open', { port: `${address}:${w.hostPort}`, owner: w.owner });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        failed.set(`${w.hostPort}/${w.owner}`, code);
        report(
          w,
          `${address}:${w.hostPort} on the host is not available (${code}); the port still works on the node addresses`,
        );
      }
    }
    for (const c of conflicts)
      report(c.port, `${address}:${hostPortKey(c.port)} on the host is already forwarded for ${c.holder}`);
    clearTimeout(retryTimer);
    if (failed.size > 0 && !ac.signal.aborted) retryTimer = setTimeout(schedule, retryMs);
  }

  function report(w: WantedPort, message: string): void {
    const once = `${w.owner}/${w.hostPort}/${message}`;
    if (reported.has(once)) return;
    reported.add(once);
    logger.warn(message, { owner: w.owner });
    if (w.service) recorder.event(w.service as Kube<Service>, 'Warning', 'HostPortUnavailable', message);
  }

  services.addEventHandler({ onAdd: schedule, onUpdate: schedule, onDelete: schedule });
  nodes.addEventHandler({ onAdd: schedule, onUpdate: schedule, onDelete: schedule });
  // Endpoints only matter for Local services; other slices change often and decide nothing here.
  const ifLocal = (slice: EndpointSlice) => {
    const [svc] = sliceService(slice as Kube<EndpointSlice>);
    if (svc && services.get(svc)?.spec?.externalTrafficPolicy === 'Local') schedule();
  };
  slices.addEventHandler({ onAdd: ifLocal, onUpdate: (_old, s) => ifLocal(s), onDelete: ifLocal });
  informers.start(ac.signal);

  return {
    open: () => new Map([...listeners].map(([port, l]) => [port, l.wanted.owner])),
    async close() {
      ac.abort();
      clearTimeout(retryTimer);
      await running;
      await Promise.all([...listeners.values()].map((l) => l.forwarder.close()));
      listeners.clear();
      await informers.stopped();
    },
  };
}

/** `ns/service` of an EndpointSlice, from its kubernetes.io/service-name label. */
function sliceService(slice: Kube<EndpointSlice>): string[] {
  const name = slice.metadata?.labels?.['kubernetes.io/service-name'];
  return name ? [`${slice.metadata?.namespace}/${name}`] : [];
}
