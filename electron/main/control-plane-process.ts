// Runs in an Electron utilityProcess: plain control-plane code, no Electron APIs. It starts the
// control plane in the data directory main passes and reports where it is (or why it failed).
import { setSupervisorLauncher } from '../../control-plane/cluster/supervisor-launcher.ts';
import { startControlPlane } from '../../control-plane/serve.ts';
import { appExecutableFromEnv, launcherFor } from './supervisor-mode.ts';

interface ParentPort {
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const dataDir = process.env['FLOTILLA_DATA_DIR'];

async function main(): Promise<void> {
  if (!dataDir) throw new Error('FLOTILLA_DATA_DIR is not set');
  // Clusters the app API creates or starts run in the app's executable, as main's do.
  const app = appExecutableFromEnv(process.env);
  if (app) setSupervisorLauncher(launcherFor(app));
  const cp = await startControlPlane({ dataDir, port: 0, controllers: {} });
  const ready = {
    type: 'ready',
    apiUrl: cp.apiUrl,
    kubeconfigPath: cp.kubeconfigPath,
    loginUrl: cp.uiLoginUrl,
    caPath: `${cp.dataDir}/pki/ca.crt`,
  };
  // Under plain Node (the bundle's own test) there is no parent port: say it on stdout.
  if (parentPort) parentPort.postMessage(ready);
  else process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = () => void cp.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Heartbeat: main restarts us when these stop.
  setInterval(() => parentPort?.postMessage({ type: 'heartbeat' }), 5_000).unref();
}

main().catch((err: unknown) => {
  const failed = { type: 'failed', error: err instanceof Error ? err.message : String(err) };
  if (parentPort) parentPort.postMessage(failed);
  else process.stdout.write(`${JSON.stringify(failed)}\n`);
  process.exit(1);
});
