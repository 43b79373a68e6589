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
  /** renderer -> main, with one MessagePort: relay a terminal WebSocket (terminal-relay.ts). */
  openTerminal: 'flotilla:open-terminal',
} as const;

/** What the preload sends with the port on `openTerminal`. */
export interface TerminalRequest {
  /** A terminal path on our origin: pods/exec or attach, a node shell, the local shell. */
  path: string;
  /** WebSocket subprotocols, e.g. v5.channel.k8s.io. */
  protocols: string[];
}

/**
 * The messages on a terminal's port (renderer/src/api/terminal-transport.ts mirrors them).
 * `data` carries one whole binary WebSocket frame (its first byte is the channel) either way.
 */
export type TerminalMessage =
  | { type: 'open'; protocol: string }
  | { type: 'data'; data: Uint8Array }
  /** main -> renderer: the WebSocket closed (or never opened: code 1006 and why); renderer -> main: close it. */
  | { type: 'close'; code?: number; reason?: string };

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
  /**
   * Opens a terminal WebSocket through main (which holds the session). The page receives its
   * end of the MessagePort as a window `message` event: data `{ type: 'flotilla:terminal-port',
   * id }` with the returned id, the port in `event.ports[0]`, speaking TerminalMessage.
   */
  openTerminal(path: string, protocols: string[]): string;
}
