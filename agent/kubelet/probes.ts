// Liveness, readiness and startup probes (upstream kubelet/prober): one timer per probe of a
// running container, counting consecutive successes and failures against the thresholds. A
// result change wakes the pod's worker: liveness failure restarts the container, readiness
// gates Ready, startup holds the other two back until it succeeds.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, Probe } from '../../api/types/container.ts';
import type { CriClient } from './cri/index.ts';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure';

interface Worker {
  containerId: string;
  result: ProbeResult | undefined;
  successes: number;
  failures: number;
  timer: NodeJS.Timeout;
  running: boolean;
}

export class ProbeManager {
  private readonly workers = new Map<string, Worker>();

  constructor(
    private readonly cri: CriClient,
    private readonly onChange: (podUid: string) => void,
    /** Every failed attempt, for the kubelet's Unhealthy events. */
    private readonly onFailure: (
      podUid: string,
      container: Container,
      kind: ProbeKind,
      output: string,
    ) => void = () => {},
  ) {}

  /** Starts the container's probes if its instance is new; stops those of older instances. */
  ensure(podUid: string, container: Container, containerId: string, podIP: string): void {
    for (const kind of ['liveness', 'readiness', 'startup'] as const) {
      const probe = container[`${kind}Probe`];
      const key = `${podUid}/${container.name}/${kind}`;
      const existing = this.workers.get(key);
      if (existing?.containerId === containerId) continue;
      if (existing) this.stopKey(key);
      if (!probe) continue;
      const worker: Worker = {
        containerId,
        result: undefined,
        successes: 0,
        failures: 0,
        running: false,
        timer: setTimeout(() => undefined, 0),
      };
      const tick = async () => {
        if (worker.running || this.workers.get(key) !== worker) return;
        if (kind !== 'startup' && this.startupPending(podUid, container)) return;
        worker.running = true;
        let ok: boolean;
        let output = '';
        try {
          ({ ok, output } = await probeWithOutput(this.cri, probe, containerId, podIP, container));
        } catch (err) {
          ok = false;
          output = (err as Error).message;
        }
        worker.running = false;
        if (this.workers.get(key) !== worker) return;
        if (ok) {
          worker.successes++;
          worker.failures = 0;
        } else {
          worker.failures++;
          worker.successes = 0;
          this.onFailure(podUid, container, kind, output);
        }
        const before = worker.result;
        if (ok && worker.successes >= (probe.successThreshold ?? 1)) worker.result = 'success';
        if (!ok && worker.failures >= (probe.failureThreshold ?? 3)) worker.result = 'failure';
        if (worker.result !== before) this.onChange(podUid);
        // After a liveness or startup failure the container is restarted: stop probing it.
        if (worker.result === 'failure' && kind !== 'readiness') clearInterval(worker.timer);
      };
      const periodMs = (probe.periodSeconds ?? 10) * 1000;
      worker.timer = setTimeout(
        () => {
          void tick();
          worker.timer = setInterval(() => void tick(), periodMs);
        },
        (probe.initialDelaySeconds ?? 0) * 1000,
      );
      this.workers.set(key, worker);
    }
  }

  /** The last result for this instance; undefined before the threshold was reached. */
  result(
    podUid: string,
    containerName: string,
    kind: ProbeKind,
    containerId: string,
  ): ProbeResult | undefined {
    const worker = this.workers.get(`${podUid}/${containerName}/${kind}`);
    return worker?.containerId === containerId ? worker.result : undefined;
  }

  /** Stops every probe of the container (it exited) or of the whole pod. */
  stop(podUid: string, containerName?: string): void {
    const prefix = containerName === undefined ? `${podUid}/` : `${podUid}/${containerName}/`;
    for (const key of [...this.workers.keys()]) if (key.startsWith(prefix)) this.stopKey(key);
  }

  stopAll(): void {
    for (const key of [...this.workers.keys()]) this.stopKey(key);
  }

  private startupPending(podUid: string, container: Container): boolean {
    if (!container.startupProbe) return false;
    return this.workers.get(`${podUid}/${container.name}/startup`)?.result !== 'success';
  }

  private stopKey(key: string): void {
    const worker = this.workers.get(key);
    if (!worker) return;
    clearTimeout(worker.timer);
    clearInterval(worker.timer);
    this.workers.delete(key);
  }
}

/** A probe's port: a number, or the name of one of the container's ports. */
export function probePort(port: number | string, container?: Container): number {
  if (typeof port === 'number' || /^\d+$/.test(port)) return Number(port);
  const named = container?.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`port "${port}" is not named in container ${container?.name ?? ''}`);
  return named.containerPort;
}

export async function runProbe(
  cri: CriClient,
  probe: Probe,
  containerId: string,
  podIP: string,
  container?: Container,
): Promise<boolean> {
  return (await probeWithOutput(cri, probe, containerId, podIP, container)).ok;
}

/** Runs the probe once; `output` says why it failed, as upstream's Unhealthy events do. */
export async function probeWithOutput(
  cri: CriClient,
  probe: Probe,
  containerId: string,
  podIP: string,
  container?: Container,
): Promise<{ ok: boolean; output: string }> {
  const timeoutSeconds = probe.timeoutSeconds ?? 1;
  if (probe.exec) {
    const res = await cri.execSync(containerId, probe.exec.command ?? [], timeoutSeconds);
    const output = (res.stdout.toString() + res.stderr.toString()).trim();
    return { ok: res.exitCode === 0, output: output || `command exited with code ${res.exitCode}` };
  }
  if (probe.httpGet) {
    const get = probe.httpGet;
    const https = get.scheme === 'HTTPS';
    const headers = Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const host = get.host || podIP;
    const port = probePort(get.port, container);
    const url = `${https ? 'https' : 'http'}://${host}:${port}${get.path ?? '/'}`;
    return new Promise((resolve) => {
      const req = (https ? httpsRequest : httpRequest)(
        {
          host,
          port,
          path: get.path ?? '/',
          headers: { 'User-Agent': 'kube-probe/1.32', ...headers },
          timeout: timeoutSeconds * 1000,
          rejectUnauthorized: false,
        },
        (res) => {
          res.resume();
          const code = res.statusCode ?? 0;
          resolve({ ok: code >= 200 && code < 400, output: `HTTP probe failed with statuscode: ${code}` });
        },
      );
      req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
      req.on('error', (err) => resolve({ ok: false, output: `Get "${url}": ${err.message}` }));
      req.end();
    });
  }
  if (probe.tcpSocket) {
    const tcp = probe.tcpSocket;
    const host = tcp.host || podIP;
    const port = probePort(tcp.port, container);
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      let error = 'i/o timeout';
      socket.setTimeout(timeoutSeconds * 1000, () => socket.destroy());
      socket.once('connect', () => {
        socket.destroy();
        resolve({ ok: true, output: '' });
      });
      socket.once('error', (err) => (error = err.message));
      socket.once('close', () => resolve({ ok: false, output: `dial tcp ${host}:${port}: ${error}` }));
    });
  }
  return { ok: true, output: '' }; // no handler (grpc is not supported yet): treat as passing
}
