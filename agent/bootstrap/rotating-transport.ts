// Client certificate rotation while the agent runs (upstream's kubelet certificate manager): a
// transport that always uses the node's newest certificate, and renews it, as the node itself,
// at a random point between 70% and 90% of its lifetime. New requests and watches go out with
// the new certificate; open watches finish on the old connections (they reconnect on their own).
import { X509Certificate } from 'node:crypto';
import {
  Client,
  silentLogger,
  type Logger,
  type Query,
  type RequestOptions,
  type Transport,
  type TransportResponse,
  type TransportWatchOptions,
  type WatchStream,
} from '../../api/client/index.ts';
import { loadKubeconfig, NodeTransport } from '../../api/client/transport-node.ts';
import type { AgentConfig } from '../config.ts';
import { requestClientCertificate } from './node-credentials.ts';

export interface RotationOptions {
  logger?: Logger;
  /** When to renew a certificate valid from `notBefore` to `notAfter` (ms); default 70-90%. */
  renewAt?: (notBefore: number, notAfter: number) => number;
  /** Wait before trying again after a failed renewal. Default 60 s. */
  retryMs?: number;
}

/**
 * Keep-alive connections the agent opens to the API server for requests (watches have their
 * own). A burst of pod starts sends token requests, reads and status writes from every pod
 * worker at once; with the client's default of 32, each agent opened 11-18 new TLS connections
 * in a 25-pod burst, a handshake each on both ends while the API server's one thread is the
 * bottleneck anyway. Upstream's kubelet multiplexes everything over one HTTP/2 connection.
 */
export const AGENT_API_CONNECTIONS = 4;

const defaultRenewAt = (notBefore: number, notAfter: number) =>
  notBefore + (notAfter - notBefore) * (0.7 + 0.2 * Math.random());

export class RotatingTransport implements Transport {
  private current: NodeTransport;
  private readonly retired: NodeTransport[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly logger: Logger;
  /** How many times the certificate was renewed (tests wait on it). */
  rotations = 0;

  constructor(
    private readonly config: AgentConfig,
    private readonly opts: RotationOptions = {},
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.current = this.load();
    this.schedule();
  }

  request(method: string, path: string, opts?: RequestOptions): Promise<TransportResponse> {
    return this.current.request(method, path, opts);
  }

  watch(path: string, query: Query, opts?: TransportWatchOptions): Promise<WatchStream> {
    return this.current.watch(path, query, opts);
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const t of [this.current, ...this.retired]) t.close?.();
  }

  private load(): NodeTransport {
    return new NodeTransport(loadKubeconfig({ kubeconfig: this.config.kubeconfig! }), {
      maxSockets: AGENT_API_CONNECTIONS,
    });
  }

  private schedule(delayMs?: number): void {
    if (this.stopped) return;
    let wait = delayMs;
    if (wait === undefined) {
      const pem = this.current.connection.cert;
      if (!pem) return; // not a certificate: nothing to rotate
      const cert = new X509Certificate(pem);
      const renewAt = (this.opts.renewAt ?? defaultRenewAt)(
        Date.parse(cert.validFrom),
        Date.parse(cert.validTo),
      );
      wait = Math.max(0, renewAt - Date.now());
    }
    // setTimeout holds at most ~24.8 days; a longer wait is taken in steps.
    const step = Math.min(wait, 2 ** 31 - 1);
    this.timer = setTimeout(() => void (step < wait ? this.schedule(wait - step) : this.rotate()), step);
    this.timer.unref?.();
  }

  private async rotate(): Promise<void> {
    try {
      await requestClientCertificate(this.config, this.current.connection, this.logger, {});
      if (this.stopped) return;
      this.retired.push(this.current);
      this.current = this.load();
      this.rotations++;
      this.logger.info('node client certificate rotated', { node: this.config.nodeName });
      this.schedule();
    } catch (err) {
      this.logger.warn('rotating the node client certificate failed; retrying', { error: String(err) });
      this.schedule(this.opts.retryMs ?? 60_000);
    }
  }
}

/** The agent's API client for a node that joined with a bootstrap token: its certificate rotates. */
export function rotatingNodeClient(config: AgentConfig, opts: RotationOptions = {}): Client {
  return new Client(new RotatingTransport(config, opts));
}
