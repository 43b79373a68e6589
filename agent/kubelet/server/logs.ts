// GET /containerLogs/{namespace}/{pod}/{container}: the current (or, with previous, the last
// terminated) instance's log, like upstream's kubelet server and kuberuntime ReadLogs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CriClient } from '../cri/index.ts';
import { isNotFound } from '../cri/index.ts';
import { streamContainerLog } from './container-log.ts';
import { parseLogOptions } from './log-options.ts';
import { containerInstances } from './runtime-pod.ts';
import { KubeletError } from './status.ts';

export async function serveContainerLogs(
  cri: CriClient,
  req: IncomingMessage,
  res: ServerResponse,
  target: { namespace: string; pod: string; container: string },
  query: URLSearchParams,
): Promise<void> {
  const opts = parseLogOptions(query);
  const { namespace, pod, container } = target;
  const instances = await containerInstances(cri, namespace, pod, container);
  const instance = opts.previous ? instances[1] : instances[0];
  if (!instance) {
    throw new KubeletError(
      400,
      opts.previous
        ? `previous terminated container "${container}" in pod "${pod}" not found`
        : `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`,
    );
  }
  if (!instance.logPath) throw new KubeletError(400, `container "${container}" in pod "${pod}" has no log`);
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  req.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  // Send the headers now: with follow, the first bytes may be a long time coming.
  res.flushHeaders();
  const follow = opts.follow && !opts.previous && instance.state === 'CONTAINER_RUNNING';
  try {
    await streamContainerLog(
      instance.logPath,
      { write: (chunk) => res.write(chunk) },
      {
        ...opts,
        follow,
        signal: abort.signal,
        isRunning: async () => {
          try {
            return (await cri.containerStatus(instance.id)).status?.state === 'CONTAINER_RUNNING';
          } catch (err) {
            if (isNotFound(err)) return false;
            throw err;
          }
        },
      },
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // The log file is gone with its container: nothing to show.
  }
  res.end();
}
