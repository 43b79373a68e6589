// The ingress controller inside the agent: informers on Ingresses, IngressClasses, Services and
// EndpointSlices; the route and certificate tables rebuilt (debounced) when an Ingress or class
// changes, and TLS Secrets read one by one; endpoints read live from the caches on every request. It
// listens on the node IP's HTTP and HTTPS ports and marks its Node with the ports
// (ingress.flotilla.io/ports), which is how the control plane knows where to send the host's
// localhost ports and which addresses to publish in Ingress status.
import {
  silentLogger,
  type Client,
  type KubeObject,
  type Logger,
  type SharedIndexInformer,
  type SharedInformerFactory,
} from '../../api/client/index.ts';
import type { Ingress, IngressClass, Secret } from '../../api/types/index.ts';
import {
  serviceIndexers,
  sliceIndexers,
  type ServiceObject,
  type SliceObject,
} from '../dns/cluster-records.ts';
import { CertificateTable } from './certificates.ts';
import { selfSignedCertificate } from './self-signed.ts';
import { EndpointPicker } from './endpoint-picker.ts';
import { isOurIngress } from './ingress-class.ts';
import { IngressProxy, type IngressState } from './proxy.ts';
import { RouteTable } from './routes.ts';
import { componentInformers, removeOnAbort, waitForInformers } from '../informers.ts';
import { runNodeService } from '../node-service.ts';

/** On a Node whose agent runs the ingress: `<httpPort>,<httpsPort>`. */
export const ingressPortsAnnotation = 'ingress.flotilla.io/ports';

type Kube<T> = T & KubeObject;

const TLS_SECRET_REFRESH_MS = 30_000;

/**
 * The TLS Secrets our Ingresses name, fetched with GET each: under the Node authorizer a node
 * may read single Secrets it has a reason for, never list them all.
 */
class TlsSecrets {
  private readonly byKey = new Map<string, Secret>();

  constructor(private readonly client: Client) {}

  get(key: string): Secret | undefined {
    return this.byKey.get(key);
  }

  async refresh(ingresses: Ingress[]): Promise<void> {
    const keys = new Set<string>();
    for (const ing of ingresses)
      for (const t of ing.spec?.tls ?? [])
        if (t.secretName) keys.add(`${ing.metadata?.namespace ?? 'default'}/${t.secretName}`);
    for (const key of [...this.byKey.keys()]) if (!keys.has(key)) this.byKey.delete(key);
    await Promise.all(
      [...keys].map(async (key) => {
        const [namespace, name] = key.split('/') as [string, string];
        try {
          this.byKey.set(
            key,
            await this.client.resource<Kube<Secret>>('v1', 'Secret').namespace(namespace).get(name),
          );
        } catch {
          // Missing or forbidden: the certificate table says so and uses the default.
          this.byKey.delete(key);
        }
      }),
    );
  }
}

export interface IngressOptions {
  client: Client;
  /** The address to listen on (the node IP). */
  address: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  httpsPort: number;
  /** The Node to mark with the ports. */
  nodeName?: string;
  /** The agent's shared informers; without them it watches on its own (its tests). */
  informers?: SharedInformerFactory;
  logger?: Logger;
}

export interface RunningIngress {
  httpPort: number;
  httpsPort: number;
  close(): Promise<void>;
}

export async function startIngress(opts: IngressOptions, signal: AbortSignal): Promise<RunningIngress> {
  const logger = opts.logger ?? silentLogger;
  const informers = componentInformers({ ...opts, logger }, signal);
  const ingresses = informers.informerFor<Kube<Ingress>>('networking.k8s.io/v1', 'Ingress');
  const classes = informers.informerFor<Kube<IngressClass>>('networking.k8s.io/v1', 'IngressClass');
  const services = informers.informerFor<ServiceObject>('v1', 'Service', { indexers: serviceIndexers });
  const slices = informers.informerFor<SliceObject>('discovery.k8s.io/v1', 'EndpointSlice', {
    indexers: sliceIndexers,
  });
  const defaultCertificate = await selfSignedCertificate('Flotilla Ingress Default Certificate', [
    opts.address,
  ]);
  const picker = new EndpointPicker(services.store, slices.store);
  const warned = new Set<string>();
  const secrets = new TlsSecrets(opts.client);
  const ourIngresses = () => ingresses.list().filter((i) => isOurIngress(i, classes.list()));
  const build = (): IngressState => {
    const ours = ourIngresses();
    const routes = new RouteTable(ours);
    return {
      routes,
      certificates: new CertificateTable(
        ours,
        (key) => secrets.get(key),
        defaultCertificate,
        (message) => {
          if (!warned.has(message)) logger.warn(message);
          warned.add(message);
        },
      ),
    };
  };
  let state = build();
  const refresh = async () => {
    await secrets.refresh(ourIngresses());
    state = build();
  };
  let timer: NodeJS.Timeout | undefined;
  const rebuild = () => {
    // Many events arrive together (a kubectl apply of several objects): build once after them.
    clearTimeout(timer);
    timer = setTimeout(() => void refresh().catch(() => {}), 50);
  };
  // A failed start's handlers must not stay on the shared informers (node-service.ts retries).
  for (const informer of [ingresses, classes] as SharedIndexInformer[])
    removeOnAbort(signal, informer.addEventHandler({ onAdd: rebuild, onUpdate: rebuild, onDelete: rebuild }));
  await waitForInformers([ingresses, classes, services, slices], signal);
  await refresh();
  // Secrets are read one by one (a node may not list them), so renewed certificates are
  // picked up on this beat rather than by a watch.
  const secretsBeat = setInterval(() => void refresh().catch(() => {}), TLS_SECRET_REFRESH_MS);

  const proxy = new IngressProxy({
    state: () => state,
    picker,
    defaultCertificate,
    logger,
  });
  let httpPort: number;
  let httpsPort: number;
  try {
    httpPort = await proxy.listenHttp(opts.httpPort, opts.address);
    httpsPort = await proxy.listenHttps(opts.httpsPort, opts.address);
  } catch (err) {
    await proxy.close();
    throw err;
  }
  logger.info('ingress serving', {
    http: `${opts.address}:${httpPort}`,
    https: `${opts.address}:${httpsPort}`,
  });
  return {
    httpPort,
    httpsPort,
    async close() {
      clearTimeout(timer);
      clearInterval(secretsBeat);
      await proxy.close();
    },
  };
}

/** Runs until the signal aborts (the agent's shape): retries starting, marks the Node (agent/node-service.ts). */
export async function runIngress(opts: IngressOptions, signal: AbortSignal): Promise<void> {
  await runNodeService(
    {
      what: 'the ingress',
      start: (attemptSignal) => startIngress(opts, attemptSignal),
      client: opts.client,
      nodeName: opts.nodeName,
      annotation: ingressPortsAnnotation,
      value: (running) => `${running.httpPort},${running.httpsPort}`,
      logger: opts.logger ?? silentLogger,
    },
    signal,
  );
}
