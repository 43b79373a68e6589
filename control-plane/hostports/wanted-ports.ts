// Which host ports the control plane should forward, worked out from Services and Nodes alone:
// every TCP and UDP nodePort of a NodePort or LoadBalancer Service, the port of every LoadBalancer
// Service (so `curl localhost:80` works like the load balancer address would), and the
// ingress controller's HTTP and HTTPS ports. Each one forwards to some Ready node that can
// answer it; kube-proxy there does the rest.
import type { Node, Service } from '../../api/types/index.ts';

/** On a Node whose agent runs the ingress controller: `<httpPort>,<httpsPort>`. */
export const ingressPortsAnnotation = 'ingress.flotilla.io/ports';

export interface WantedPort {
  /** The port on the host's loopback. */
  hostPort: number;
  protocol: 'TCP' | 'UDP';
  /** The port on the node: the nodePort or the service port (ingress ports come from the node). */
  nodePort: number;
  /** Which nodes may answer: all Ready nodes, or those running the ingress (HTTP or HTTPS port). */
  nodes: 'ready' | 'ingress-http' | 'ingress-https';
  /** What asked for it, for events and messages: `ns/name` of the Service, or `ingress`. */
  owner: string;
  /** The Service asking for it, to report a conflict on. */
  service?: Service;
}

export interface IngressHostPorts {
  /** Host port for the ingress's HTTP port (0: none). */
  http: number;
  /** Host port for the ingress's HTTPS port (0: none). */
  https: number;
}

/**
 * The ports to forward. Two owners of one host port: the older object keeps it (services
 * sorted by creation, then name), and the other is reported as a conflict.
 */
export function wantedPorts(
  services: Service[],
  ingress: IngressHostPorts | undefined,
): { ports: WantedPort[]; conflicts: { port: WantedPort; holder: string }[] } {
  const all: WantedPort[] = [];
  const sorted = [...services].sort(
    (a, b) =>
      (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') ||
      key(a).localeCompare(key(b)),
  );
  if (ingress?.http)
    all.push({
      hostPort: ingress.http,
      protocol: 'TCP',
      nodePort: 0,
      nodes: 'ingress-http',
      owner: 'ingress',
    });
  if (ingress?.https)
    all.push({
      hostPort: ingress.https,
      protocol: 'TCP',
      nodePort: 0,
      nodes: 'ingress-https',
      owner: 'ingress',
    });
  for (const svc of sorted) {
    const type = svc.spec?.type;
    if (type !== 'NodePort' && type !== 'LoadBalancer') continue;
    for (const p of svc.spec?.ports ?? []) {
      const protocol = p.protocol ?? 'TCP';
      if (protocol !== 'TCP' && protocol !== 'UDP') continue;
      const base = { protocol, nodes: 'ready' as const, owner: key(svc), service: svc };
      if (p.nodePort) all.push({ ...base, hostPort: p.nodePort, nodePort: p.nodePort });
      // The load balancer port: through the nodePort when there is one, else the node's
      // load balancer rule for the service port.
      if (type === 'LoadBalancer' && p.port !== p.nodePort)
        all.push({ ...base, hostPort: p.port, nodePort: p.nodePort || p.port });
    }
  }
  const ports: WantedPort[] = [];
  const conflicts: { port: WantedPort; holder: string }[] = [];
  const taken = new Map<string, WantedPort>();
  for (const w of all) {
    const holder = taken.get(hostPortKey(w));
    if (!holder) {
      taken.set(hostPortKey(w), w);
      ports.push(w);
    } else if (holder.owner !== w.owner) conflicts.push({ port: w, holder: holder.owner });
  }
  return { ports, conflicts };
}

/**
 * Where a connection to `wanted` may go: the Ready nodes that can answer it, sorted. For a
 * service with externalTrafficPolicy Local only nodes with one of its endpoints answer (kube-proxy
 * drops the rest), so `endpointNodes` (the node names of its ready endpoints) narrows the list.
 */
export function targets(
  nodes: Node[],
  wanted: Pick<WantedPort, 'nodes' | 'nodePort' | 'service'>,
  endpointNodes?: ReadonlySet<string>,
): { host: string; port: number }[] {
  const out: { host: string; port: number }[] = [];
  const localOnly = wanted.service?.spec?.externalTrafficPolicy === 'Local' && endpointNodes !== undefined;
  for (const node of nodes) {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (!ready || node.metadata?.deletionTimestamp) continue;
    if (localOnly && !endpointNodes.has(node.metadata?.name ?? '')) continue;
    const host = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (!host) continue;
    if (wanted.nodes === 'ready') {
      out.push({ host, port: wanted.nodePort });
      continue;
    }
    const ports = node.metadata?.annotations?.[ingressPortsAnnotation]?.split(',').map(Number);
    const port = ports?.[wanted.nodes === 'ingress-http' ? 0 : 1];
    if (port) out.push({ host, port });
  }
  return out.sort((a, b) => a.host.localeCompare(b.host));
}

/** `30080/TCP`, as kubectl prints ports: one host port per protocol. */
export function hostPortKey(w: Pick<WantedPort, 'hostPort' | 'protocol'>): string {
  return `${w.hostPort}/${w.protocol}`;
}

function key(svc: Service): string {
  return `${svc.metadata?.namespace}/${svc.metadata?.name}`;
}
