// Container lifecycle hooks (upstream pkg/kubelet/lifecycle/handlers.go): postStart runs right
// after the container starts (a failure kills the container, which then restarts per policy);
// preStop runs before the container is sent SIGTERM, inside the termination grace period.
// Handlers: exec in the container, httpGet from the node to the pod, or sleep.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Container, LifecycleHandler } from '../../api/types/container.ts';
import type { CriClient } from './cri/index.ts';
import { probePort } from './probes.ts';

export interface HookTarget {
  cri: CriClient;
  container: Container;
  containerId: string;
  podIP: string;
}

/** Runs the handler; resolves to an error message, or undefined when it succeeded. */
export async function runHook(
  handler: LifecycleHandler,
  target: HookTarget,
  timeoutSeconds: number,
): Promise<string | undefined> {
  const seconds = Math.max(1, Math.ceil(timeoutSeconds));
  try {
    if (handler.exec) {
      const command = handler.exec.command ?? [];
      const res = await target.cri.execSync(target.containerId, command, seconds);
      if (res.exitCode === 0) return undefined;
      const output = (res.stdout.toString() + res.stderr.toString()).trim();
      return `command '${command.join(' ')}' exited with ${res.exitCode}: ${output}`;
    }
    if (handler.httpGet) return await httpGetHook(handler.httpGet, target, seconds);
    if (handler.sleep) {
      await new Promise((done) => setTimeout(done, Math.min(handler.sleep!.seconds, seconds) * 1000));
      return undefined;
    }
    return 'the handler names no action';
  } catch (err) {
    return (err as Error).message;
  }
}

function httpGetHook(
  get: NonNullable<LifecycleHandler['httpGet']>,
  target: HookTarget,
  seconds: number,
): Promise<string | undefined> {
  const https = get.scheme === 'HTTPS';
  const headers = Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value]));
  const port = probePort(get.port, target.container);
  const host = get.host || target.podIP;
  const url = `${https ? 'https' : 'http'}://${host}:${port}${get.path ?? '/'}`;
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(
      { host, port, path: get.path ?? '/', headers, timeout: seconds * 1000, rejectUnauthorized: false },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? undefined : `Get "${url}": HTTP status ${code}`);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${seconds}s`)));
    req.on('error', (err) => resolve(`Get "${url}": ${err.message}`));
    req.end();
  });
}
