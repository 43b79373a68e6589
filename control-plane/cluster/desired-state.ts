// What the user last asked of a cluster (contract 7): `running` after create or start, `stopped`
// after stop. It lives in the cluster's folder (desired-state), so it outlives the supervisor,
// the app and a reboot; resumeClusters() starts again what should run and does not.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type DesiredState = 'running' | 'stopped';

export function desiredStateFile(clusterDir: string): string {
  return join(clusterDir, 'desired-state');
}

/**
 * The recorded intent. A cluster made before intents were recorded has none: it counts as
 * stopped, so upgrading never starts a cluster the user did not ask to run.
 */
export function readDesiredState(clusterDir: string): DesiredState {
  const file = desiredStateFile(clusterDir);
  if (!existsSync(file)) return 'stopped';
  return readFileSync(file, 'utf8').trim() === 'running' ? 'running' : 'stopped';
}

export function writeDesiredState(clusterDir: string, state: DesiredState): void {
  writeFileSync(desiredStateFile(clusterDir), `${state}\n`);
}
