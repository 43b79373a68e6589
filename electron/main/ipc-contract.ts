// The one IPC operation between the preload and main, typed once for both sides.
export const channels = {
  getControlPlane: 'flotilla:get-control-plane',
} as const;

export interface ControlPlaneInfo {
  /** https://127.0.0.1:P: the API the renderer reaches through app:// (and kubectl directly). */
  apiUrl: string;
  kubeconfigPath: string;
  state: 'starting' | 'running' | 'failed';
  error?: string;
}

/** What the preload exposes as `window.flotilla`. */
export interface FlotillaBridge {
  getControlPlane(): Promise<ControlPlaneInfo>;
}
