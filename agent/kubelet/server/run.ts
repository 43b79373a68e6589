// Runs the kubelet API for the agent's config: on <nodeIP>:kubeletPort with the configured
// serving certificate, accepting the API server's client certificate from clientCAFile
// (else caFile, else the CA the agent's kubeconfig trusts: the cluster CA signs both). Missing
// pieces leave it off with a log line instead of stopping the agent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseKubeconfig, resolveKubeconfig, type Logger } from '../../../api/client/index.ts';
import type { CriClient } from '../cri/index.ts';
import { createKubeletServer } from './server.ts';

export interface KubeletApiConfig {
  nodeIP: string;
  kubeletPort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  caFile?: string;
  kubeconfig?: string;
  bootstrapKubeconfig?: string;
}

/** The cluster CA as the agent's (or else its bootstrap) kubeconfig names it. */
function kubeconfigCA(config: KubeletApiConfig): string | undefined {
  for (const file of [config.kubeconfig, config.bootstrapKubeconfig]) {
    if (!file || !existsSync(file)) continue;
    const ca = resolveKubeconfig(parseKubeconfig(readFileSync(file, 'utf8')), {
      readFile: (path) => readFileSync(resolve(dirname(file), path), 'utf8'),
    }).ca;
    if (ca) return ca;
  }
  return undefined;
}

/** Serves until the signal aborts; resolves at once when the API is off. */
export async function runKubeletApi(
  config: KubeletApiConfig,
  cri: CriClient,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  if (config.kubeletPort === 0 || signal.aborted) return;
  const caFile = config.clientCAFile ?? config.caFile;
  const clientCA = caFile ? readFileSync(caFile, 'utf8') : kubeconfigCA(config);
  if (!config.tlsCertFile || !config.tlsPrivateKeyFile || !clientCA) {
    logger.warn('kubelet API off: it needs tlsCertFile, tlsPrivateKeyFile and a client CA');
    return;
  }
  const server = createKubeletServer({
    cri,
    logger,
    tls: {
      cert: readFileSync(config.tlsCertFile),
      key: readFileSync(config.tlsPrivateKeyFile),
      clientCA,
    },
  });
  // The node IP may come up after the agent (a VM's second interface): keep trying for it.
  for (let attempt = 0; ; attempt++) {
    try {
      const bound = await server.listen(config.kubeletPort, config.nodeIP);
      logger.info('kubelet API listening', { address: `${bound.address}:${bound.port}` });
      break;
    } catch (err) {
      const retry = (err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL';
      if (attempt === 0 || !retry) {
        logger.warn(`kubelet API ${retry ? 'waiting: cannot listen yet' : 'off: cannot listen'}`, {
          address: `${config.nodeIP}:${config.kubeletPort}`,
          error: String(err),
        });
      }
      if (!retry) return;
      // timers/promises drops its abort listener when the timer fires: none pile up.
      await sleep(10_000, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
    }
  }
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
}
