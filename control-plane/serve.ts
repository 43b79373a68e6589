// Starting the whole control plane from a data directory, headless: PKI (CA, serving cert, an
// admin client certificate), the admin kubeconfig, encryption at rest, the SQLite store, the
// registries with the default namespaces, and the API server. Used by `flotilla serve` and by
// the desktop app's utility process. Everything persistent lives in the data directory:
//   pki/            CA, serving and admin certificates (kubeadm layout)
//   store.db        the SQLite store (and its -wal)
//   tokens.json     bearer and bootstrap tokens (digests only)
//   encryption-config.yaml   keys for Secrets at rest
//   kubeconfig.yaml the admin kubeconfig (0600)
import { mkdirSync } from 'node:fs';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import {
  CertAuthenticator,
  MASTERS_GROUP,
  NODE_BOOTSTRAP_TTL_SECONDS,
  ServiceAccountTokenAuthenticator,
  ServiceAccountTokenIssuer,
  TokenAuthenticator,
  TokenStore,
  unionTokenAuthenticator,
} from './auth/index.ts';
import { tokenBindingCheck, tokenRequestHandler } from './apiserver/handlers/token-request.ts';
import { podStreamingHandlers } from './apiserver/streaming/pod-streams.ts';
import { ensureEncryptionAtRest } from './encryption/index.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { ensureClientCertificate, ensureClusterPki, ensureServiceAccountKey } from './pki/index.ts';
import { createRegistries, ensureDefaultNamespaces } from './apiserver/registry/index.ts';
import { createApiServer, type ApiServer } from './apiserver/server.ts';
import { inProcessHandler } from './apiserver/in-process.ts';
import { openSqliteBackend } from './storage/index.ts';
import type { Backend } from './storage/types.ts';
import { Client, inProcessTransport } from '../api/client/index.ts';
import { lineLogger, startScheduler, type RunningScheduler } from './scheduler/run.ts';
import { startControllerManager, type RunningControllers } from './controllers/manager.ts';
import { startHostPorts, type HostPortsOptions, type RunningHostPorts } from './hostports/host-ports.ts';
import { admissionPlugins, type AdmissionOptions } from './apiserver/admission/index.ts';
import { createUiServer, type UiServer } from './ui-server/index.ts';
import { createAppApi, loadClusterLibrary } from './app-api/index.ts';

export interface ControlPlaneOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Listen address; 127.0.0.1 unless the user asks otherwise. */
  address?: string;
  /**
   * More addresses to serve on, same port: where a cluster's nodes reach the API server (the
   * netns bridge, a VM host-only address). Each is in the serving certificate, and the first is
   * the `kubernetes` Service endpoint.
   */
  listenAddresses?: string[];
  /** Where to log (errors, notable events). Defaults to stderr. */
  log?: (line: string) => void;
  /** Run the scheduler in this process (default true). */
  scheduler?: boolean;
  /**
   * Run the controller manager in this process, behind the kube-system/kube-controller-manager
   * Lease (what `flotilla serve` does). Off by default so tests can run controllers their way.
   */
  controllers?: ControlPlaneControllers;
  /** Admission plugin settings (default toleration seconds, plugins to leave out). */
  admission?: AdmissionOptions;
  /**
   * Forward 127.0.0.1:<nodePort>, load balancer ports and the ingress to the nodes
   * (control-plane/hostports), for clusters whose node IPs the host cannot reach. Off by default;
   * `true` also forwards the ingress on 127.0.0.1:8080 and 8443.
   */
  hostPorts?: boolean | Omit<HostPortsOptions, 'client'>;
}

export interface ControlPlaneControllers {
  /** --controllers style selection: names, `*`, `-name`. Default all. */
  names?: string[];
  /** Per-controller settings, e.g. `{ nodelifecycle: { nodeMonitorGracePeriodMs: 10_000 } }`. */
  settings?: Record<string, Record<string, unknown>>;
}

export interface RunningControlPlane {
  dataDir: string;
  /** https://127.0.0.1:6443 */
  apiUrl: string;
  /** https://127.0.0.1:6443/ui/ */
  uiUrl: string;
  /** The browser UI's sessions; `ui.loginUrl(apiUrl)` makes a one-time login link. */
  ui: UiServer;
  /** The one-time login link printed at start (opens a UI session in the browser). */
  uiLoginUrl: string;
  kubeconfigPath: string;
  port: number;
  address: string;
  api: ApiServer;
  backend: Backend;
  /** The scheduler (campaigning for its lease), unless turned off. */
  scheduler?: RunningScheduler;
  /** The controller manager (campaigning for its lease), when asked for. */
  controllers?: RunningControllers;
  /** The host's forwarded ports (`open()`: `port/protocol` -> owner), with the hostPorts option. */
  hostPorts?: RunningHostPorts;
  /** Serves on one more address (same port), re-issuing the serving certificate for it if needed. */
  addListenAddress(address: string): Promise<void>;
  /**
   * A bootstrap token ("<id>.<secret>") for one node to join with: its kubelet client CSR is
   * approved only for that node name (controllers/csr-approving.ts). Default TTL 1 hour.
   */
  issueBootstrapToken(opts: { nodeName: string; ttlSeconds?: number }): Promise<string>;
  /** Stop accepting, end watches, finish requests, flush and close the store. */
  close(): Promise<void>;
}

/** Thrown when the port is taken, with a message fit for the user. */
export class PortInUseError extends Error {
  constructor(
    readonly address: string,
    readonly port: number,
  ) {
    super(
      `port ${port} on ${address} is already in use (is another flotilla serve running?); choose another with --port`,
    );
    this.name = 'PortInUseError';
  }
}

function listenerHost(listener: TcpServer): string | undefined {
  const a = listener.address();
  return a && typeof a === 'object' ? a.address : undefined;
}

const isLoopback = (address: string) =>
  address === '127.0.0.1' || address === '::1' || address === 'localhost';

export async function startControlPlane(opts: ControlPlaneOptions): Promise<RunningControlPlane> {
  const dataDir = resolve(opts.dataDir);
  const address = opts.address ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const pkiDir = join(dataDir, 'pki');
  const sans = [address, ...(opts.listenAddresses ?? [])].filter((a) => !isLoopback(a));
  const pki = await ensureClusterPki(pkiDir, { sans });
  const admin = await ensureClientCertificate(pkiDir, 'admin', pki.authority, {
    commonName: 'admin',
    organizations: [MASTERS_GROUP],
  });
  const tokens = TokenStore.open(join(dataDir, 'tokens.json'));
  // ServiceAccount tokens (TokenRequest) are signed with sa.key and accepted back with sa.pub.
  const saKey = ensureServiceAccountKey(pkiDir);
  const saTokens = new ServiceAccountTokenIssuer(saKey.privateKeyPem);
  const encryption = ensureEncryptionAtRest(dataDir);

  const backend = await openSqliteBackend({ path: join(dataDir, 'store.db') });
  let api: ApiServer | undefined;
  // The browser UI acts as the admin, like the kubeconfig written below.
  let boundPort = opts.port;
  const ui = createUiServer({
    user: { username: 'admin', groups: [MASTERS_GROUP] },
    port: () => boundPort,
  });
  try {
    const registries = createRegistries(backend, {
      transformers: encryption.transformers,
      admission: admissionPlugins(opts.admission),
    });
    await ensureDefaultNamespaces(registries);
    // A token stops working when its ServiceAccount (or bound Pod) is gone, as upstream checks.
    const anyToken = unionTokenAuthenticator(
      new TokenAuthenticator(tokens),
      new ServiceAccountTokenAuthenticator({
        publicKeyPems: [saKey.publicKeyPem],
        isBound: tokenBindingCheck(registries),
      }),
    );
    const bearerTokens = { authenticate: (token: string) => anyToken.authenticateToken(token) };
    api = createApiServer({
      tls: { key: pki.key, cert: pki.cert, ca: pki.ca },
      registries,
      authentication: {
        certificates: new CertAuthenticator(pki.ca),
        tokens: bearerTokens,
        sessions: ui.sessions,
      },
      mounts: [
        ui.mount,
        createAppApi({
          clusters: loadClusterLibrary,
          localKubeconfig: () => join(dataDir, 'kubeconfig.yaml'),
        }),
      ],
      subresources: new Map([
        ['/serviceaccounts/token', tokenRequestHandler(saTokens, registries)],
        // logs, exec, attach, port-forward: relayed to the pod's kubelet as kube-apiserver-kubelet-client.
        ...podStreamingHandlers(registries, { ca: pki.ca, ...pki.kubeletClient }),
      ]),
      readyChecks: [{ name: 'etcd', check: async () => (await backend.currentRevision()) >= 0 }],
      log,
    });
    let bound;
    try {
      bound = await api.listen(opts.port, address);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(address, opts.port);
      throw err;
    }
    boundPort = bound.port;
    const httpsServer = api.server;
    // Other addresses hand their connections to the one HTTPS server (same TLS, same handler).
    const extraListeners: TcpServer[] = [];
    const addListenAddress = async (extra: string) => {
      if (extra === bound.host || extraListeners.some((l) => listenerHost(l) === extra)) return;
      if (!isLoopback(extra) && !sans.includes(extra)) {
        sans.push(extra);
        const renewed = await ensureClusterPki(pkiDir, { sans });
        httpsServer.setSecureContext({ key: renewed.key, cert: renewed.cert, ca: renewed.ca });
      }
      const listener = createTcpServer((socket) => httpsServer.emit('connection', socket));
      await new Promise<void>((resolve, reject) => {
        listener.once('error', (err: NodeJS.ErrnoException) =>
          reject(err.code === 'EADDRINUSE' ? new PortInUseError(extra, bound.port) : err),
        );
        listener.listen(bound.port, extra, () => resolve());
      });
      extraListeners.push(listener);
    };
    try {
      for (const extra of opts.listenAddresses ?? []) await addListenAddress(extra);
    } catch (err) {
      for (const listener of extraListeners) listener.close();
      throw err;
    }
    const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
    writeKubeconfig(kubeconfigPath, {
      clusterName: basename(dataDir) || 'flotilla',
      server: bound.url,
      caCertPem: pki.ca,
      userName: 'admin',
      credentials: { clientCertificatePem: admin.certPem, clientKeyPem: admin.keyPem },
    });
    // The scheduler and the controller manager in this process call the registries directly:
    // no TLS, HTTP or JSON.
    const components = new Client(inProcessTransport(inProcessHandler({ registries })));
    const scheduler =
      opts.scheduler === false ? undefined : startScheduler({ client: components, logger: lineLogger(log) });
    const controllers = opts.controllers
      ? startControllerManager({
          client: components,
          controllers: opts.controllers.names,
          settings: {
            ...opts.controllers.settings,
            // Node credentials: bootstrap tokens name their node; the cluster CA signs.
            csrapproving: {
              bootstrapTokenNodeName: (user: string) => tokens.bootstrapTokenNodeName(user),
              ...opts.controllers.settings?.csrapproving,
            },
            csrsigning: { authority: pki.authority, ...opts.controllers.settings?.csrsigning },
            // Every namespace's kube-root-ca.crt, which pods see beside their token.
            'root-ca-cert-publisher': {
              rootCA: pki.ca,
              ...opts.controllers.settings?.['root-ca-cert-publisher'],
            },
            // The `kubernetes` Service points at this API server.
            'kubernetes-service': {
              endpointIP: opts.listenAddresses?.[0] ?? bound.host,
              endpointPort: bound.port,
              ...opts.controllers.settings?.['kubernetes-service'],
            },
          },
          logger: lineLogger(log),
          leaderElection: {},
        })
      : undefined;
    const hostPorts = opts.hostPorts
      ? startHostPorts({
          client: components,
          logger: lineLogger(log),
          // `true`: the ingress on localhost:8080 (HTTP) and 8443 (HTTPS) as well.
          ...(typeof opts.hostPorts === 'object' ? opts.hostPorts : { ingress: { http: 8080, https: 8443 } }),
        })
      : undefined;
    const running = api;
    let closing: Promise<void> | undefined;
    return {
      dataDir,
      apiUrl: bound.url,
      uiUrl: `${bound.url}/ui/`,
      ui,
      uiLoginUrl: ui.loginUrl(bound.url),
      kubeconfigPath,
      port: bound.port,
      address: bound.host,
      api: running,
      backend,
      scheduler,
      controllers,
      hostPorts,
      issueBootstrapToken: async ({ nodeName, ttlSeconds }) =>
        tokens.issueBootstrapToken({
          nodeName,
          ttlSeconds: ttlSeconds ?? NODE_BOOTSTRAP_TTL_SECONDS,
          description: `join node ${nodeName}`,
        }).token,
      addListenAddress,
      close: () =>
        (closing ??= (async () => {
          for (const listener of extraListeners) listener.close();
          await hostPorts?.close();
          await controllers?.stop();
          await scheduler?.stop();
          components.close();
          await running.close();
          await backend.close();
        })()),
    };
  } catch (err) {
    await api?.close(0).catch(() => {});
    await backend.close().catch(() => {});
    throw err;
  }
}
