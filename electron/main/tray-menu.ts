// The tray: the control plane's state, and every cluster with its state and Open / Start /
// Stop. Built as plain menu templates (no Electron import) so a unit test can check what the
// user can click in each state; index.ts hands them to Menu.buildFromTemplate.
import type { ClusterSummary } from '../../control-plane/cluster/index.ts';
import { describeControlPlaneState, type ControlPlaneState } from './control-plane-supervisor.ts';
import type { TrayIcon } from './tray-icons.ts';

export interface TrayCluster {
  name: string;
  state: ClusterSummary['state'];
  error?: string;
}

/** What the tray asked for and is still under way, per cluster. */
export type PendingAction = 'starting' | 'stopping';

export interface TrayActions {
  openWindow(): void;
  openCluster(name: string): void;
  startCluster(name: string): void;
  stopCluster(name: string): void;
  retryControlPlane(): void;
}

/** The subset of Electron's MenuItemConstructorOptions used here. */
export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'submenu';
  enabled?: boolean;
  role?: 'quit';
  click?: () => void;
  submenu?: TrayMenuItem[];
}

export function trayMenu(
  controlPlane: ControlPlaneState,
  clusters: TrayCluster[],
  pending: ReadonlyMap<string, PendingAction>,
  actions: TrayActions,
): TrayMenuItem[] {
  const items: TrayMenuItem[] = [
    { label: `Control plane: ${describeControlPlaneState(controlPlane)}`, enabled: false },
  ];
  if (controlPlane.phase === 'failed')
    items.push({ label: 'Restart the control plane', click: actions.retryControlPlane });
  items.push({ label: 'Open Flotilla', click: actions.openWindow }, { type: 'separator' });
  if (clusters.length === 0) items.push({ label: 'No clusters yet', enabled: false });
  for (const cluster of clusters) items.push(clusterItem(cluster, pending.get(cluster.name), actions));
  items.push({ type: 'separator' }, { label: 'Quit Flotilla', role: 'quit' });
  return items;
}

function clusterItem(
  cluster: TrayCluster,
  pending: PendingAction | undefined,
  actions: TrayActions,
): TrayMenuItem {
  const shown = pending ?? cluster.state;
  const busy = pending !== undefined || cluster.state === 'starting';
  const submenu: TrayMenuItem[] = [
    { label: 'Open', enabled: cluster.state === 'running', click: () => actions.openCluster(cluster.name) },
    {
      label: 'Start',
      enabled: !busy && (cluster.state === 'stopped' || cluster.state === 'failed'),
      click: () => actions.startCluster(cluster.name),
    },
    {
      label: 'Stop',
      // A start under way can be stopped too: the supervisor ends it and cleans up.
      enabled: pending === undefined && (cluster.state === 'running' || cluster.state === 'starting'),
      click: () => actions.stopCluster(cluster.name),
    },
  ];
  if (cluster.state === 'failed' && cluster.error)
    submenu.unshift({ label: cluster.error.slice(0, 120), enabled: false }, { type: 'separator' });
  return { label: `${cluster.name}: ${shown}`, type: 'submenu', submenu };
}

/** Green when everything runs, amber while something starts or restarts, red on a failure. */
export function trayIcon(controlPlane: ControlPlaneState, clusters: TrayCluster[]): TrayIcon {
  if (controlPlane.phase === 'failed' || clusters.some((c) => c.state === 'failed')) return 'failed';
  if (controlPlane.phase !== 'running' || clusters.some((c) => c.state === 'starting')) return 'busy';
  return 'running';
}

export function trayTooltip(controlPlane: ControlPlaneState, clusters: TrayCluster[]): string {
  const running = clusters.filter((c) => c.state === 'running').length;
  return `Flotilla: control plane ${describeControlPlaneState(controlPlane)}; ${running} of ${clusters.length} cluster(s) running`;
}
