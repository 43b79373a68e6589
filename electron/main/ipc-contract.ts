// The IPC operations between the preload and main, typed once for both sides. Every channel is
// handled in main behind a sender check (security.ts ipcSenderAllowed).
import type { ControlPlaneState } from './control-plane-supervisor.ts';
import type { SecretProtection } from './secret-store.ts';

export const channels = {
  /** renderer -> main: the control plane's state and where it is. */
  getControlPlane: 'flotilla:get-control-plane',
  /** renderer -> main: start a failed control plane again now. */
  retryControlPlane: 'flotilla:retry-control-plane',
  /** main -> renderer: the control plane's state changed (starting, running, restarting, failed). */
  controlPlaneChanged: 'flotilla:control-plane-changed',
} as const;

export interface ControlPlaneInfo {
  /** https://127.0.0.1:P: the API the renderer reaches through app:// (and kubectl directly). */
  apiUrl: string;
  kubeconfigPath: string;
  state: ControlPlaneState['phase'];
  /** restarting / starting: which attempt in a row. */
  attempt?: number;
  /** failed: why; restarting: the last error. */
  error?: string;
  /** One line for humans: "restarting (attempt 3) in 4 s: ...". */
  summary: string;
  /** How the desktop keeps secrets on this computer (diagnostics show the warning). */
  secrets: SecretProtection;
}

/** What the preload exposes as `window.flotilla`. */
export interface FlotillaBridge {
  getControlPlane(): Promise<ControlPlaneInfo>;
  retryControlPlane(): Promise<void>;
  /** Calls back on every state change; returns the unsubscribe. */
  onControlPlaneChanged(listener: (info: ControlPlaneInfo) => void): () => void;
}
