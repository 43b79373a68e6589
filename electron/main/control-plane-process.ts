// Runs in an Electron utilityProcess: plain control-plane code, no Electron APIs. It starts the
// control plane in the data directory main passes and reports where it is (or why it failed).
import { startControlPlane } from '../../control-plane/serve.ts';

interface ParentPort {
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const dataDir = process.env['FLOTILLA_DATA_DIR'];

async function main(): Promise<void> {
  if (!dataDir) throw new Error('FLOTILLA_DATA_DIR is not set');
  const cp = await startControlPlane({ dataDir, port: 0, controllers: {} });
  parentPort?.postMessage({
    type: 'ready',
    apiUrl: cp.apiUrl,
    kubeconfigPath: cp.kubeconfigPath,
    loginUrl: cp.uiLoginUrl,
    caPath: `${cp.dataDir}/pki/ca.crt`,
  });
  const stop = () => void cp.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Heartbeat: main restarts us when these stop.
  setInterval(() => parentPort?.postMessage({ type: 'heartbeat' }), 5_000).unref();
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
