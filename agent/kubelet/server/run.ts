// Runs the kubelet API for the agent's config: on <nodeIP>:kubeletPort with the configured
// serving certificate, accepting the API server's client certificate from clientCAFile
// (or caFile). Missing pieces leave it off with a log line instead of stopping the agent.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../../api/client/index.ts';
import type { CriClient } from '../cri/index.ts';
import { createKubeletServer } from './server.ts';

export interface KubeletApiConfig {
  nodeIP: string;
  kubeletPort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCAFile?: string;
  caFile?: string;
}

/** Serves until the signal aborts; resolves at once when the API is off. */
export async function runKubeletApi(
  config: KubeletApiConfig,
  cri: CriClient,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  if (config.kubeletPort === 0 || signal.aborted) return;
  const clientCAFile = config.clientCAFile ?? config.caFile;
  if (!config.tlsCertFile || !config.tlsPrivateKeyFile || !clientCAFile) {
    logger.warn('kubelet API off: it needs tlsCertFile, tlsPrivateKeyFile and clientCAFile (or caFile)');
    return;
  }
  const server = createKubeletServer({
    cri,
    logger,
    tls: {
      cert: readFileSync(config.tlsCertFile),
      key: readFileSync(config.tlsPrivateKeyFile),
      clientCA: readFileSync(clientCAFile),
    },
  });
  try {
    const bound = await server.listen(config.kubeletPort, config.nodeIP);
    logger.info('kubelet API listening', { address: `${bound.address}:${bound.port}` });
  } catch (err) {
    logger.warn('kubelet API off: cannot listen', {
      address: `${config.nodeIP}:${config.kubeletPort}`,
      error: String(err),
    });
    return;
  }
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
}
