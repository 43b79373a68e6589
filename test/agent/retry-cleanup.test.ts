// The agent's cluster DNS retries while its address is taken (say by the agent it replaces,
// still shutting down). A failed attempt must not leave its informers behind: before, every
// retry kept two more watches running and more listeners on the agent's one AbortSignal.
import { createSocket, type Socket } from 'node:dgram';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { runClusterDns } from '../../agent/dns/run.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

describe('cluster DNS retrying on a taken address', () => {
  let server: TestServer;
  let client: Client;
  let squatter: Socket;
  let port: number;

  beforeAll(async () => {
    server = await startServer();
    client = new Client(nodeTransportFromKubeconfig({ kubeconfig: server.kubeconfig }));
    squatter = createSocket('udp4');
    await new Promise<void>((done) => squatter.bind(0, '127.0.0.1', done));
    port = squatter.address().port;
  }, 120_000);

  afterAll(async () => {
    squatter?.close();
    client?.close();
    await server?.stop();
  });

  it('stops the informers of each failed attempt', async () => {
    const agent = new AbortController();
    const warnings: string[] = [];
    const logger = { info: () => {}, error: () => {}, warn: (msg: string) => void warnings.push(msg) };
    const running = runClusterDns(
      { client, listen: `127.0.0.1:${port}`, clusterDomain: 'cluster.local', metricsPort: 0, logger },
      agent.signal,
    );
    await waitFor(async () => warnings.length >= 3, 60_000, 'three failed attempts');
    // One listener for the attempt under way at most; none piled up from the failed ones.
    expect(getEventListeners(agent.signal, 'abort').length).toBeLessThanOrEqual(3);
    agent.abort();
    await running;
  }, 120_000);
});
