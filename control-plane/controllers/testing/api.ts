// A real control plane for controller unit tests: the API server with its SQLite store in a
// temporary directory, and an admin client. No controllers run unless the test starts them.
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, SharedInformerFactory, silentLogger } from '../../../api/client/index.ts';
import { MemoryEventRecorder } from '../../../api/client/event-recorder.ts';
import { nodeTransportFromKubeconfig } from '../../../api/client/transport-node.ts';
import { startControlPlane, type RunningControlPlane } from '../../serve.ts';

export interface TestApi {
  client: Client;
  plane: RunningControlPlane;
  /** A fresh informer factory on the client (start it with the test's signal). */
  informers(): SharedInformerFactory;
  close(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-ctrl-unit-'));
  const plane = await startControlPlane({ dataDir: join(root, 'data'), port: 0, log: () => {} });
  const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: plane.kubeconfigPath }));
  return {
    client,
    plane,
    informers: () => new SharedInformerFactory(client, { logger: silentLogger }),
    async close() {
      client.close();
      await plane.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An AbortController for stopping controllers: every informer listens on its signal. */
export function stopController(): AbortController {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  return ac;
}

/** What every controller is built from. */
export interface ControllerDeps {
  client: Client;
  informers: SharedInformerFactory;
  recorder: MemoryEventRecorder;
}

export interface RunningControllers {
  /** The events the controllers recorded. */
  recorder: MemoryEventRecorder;
  /** Stops the controllers and their informers, and waits for them to return. */
  stop(): Promise<void>;
}

/**
 * Builds controllers on one informer factory and recorder, as the controller manager does, and
 * starts them (informers first, so their handlers are registered before the first event).
 */
export function runControllers(
  api: TestApi,
  ...make: ((deps: ControllerDeps) => { start(signal: AbortSignal): Promise<void> })[]
): RunningControllers {
  const ac = stopController();
  const deps = { client: api.client, informers: api.informers(), recorder: new MemoryEventRecorder() };
  const controllers = make.map((build) => build(deps));
  deps.informers.start(ac.signal);
  const runs = controllers.map((c) => c.start(ac.signal));
  return {
    recorder: deps.recorder,
    async stop() {
      ac.abort();
      await Promise.all(runs);
    },
  };
}
