// The only bridge between the sandboxed renderer and main: the calls of ipc-contract.ts and
// nothing else (no ipcRenderer, no channel names chosen by the page).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  channels,
  type ControlPlaneInfo,
  type FlotillaBridge,
  type TerminalRequest,
} from '../main/ipc-contract.ts';

let terminals = 0;
/** The page's window (electron/tsconfig.json has no DOM types; the preload runs in one). */
const page = globalThis as unknown as {
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
};

const bridge: FlotillaBridge = {
  getControlPlane: () => ipcRenderer.invoke(channels.getControlPlane),
  retryControlPlane: () => ipcRenderer.invoke(channels.retryControlPlane),
  onControlPlaneChanged(listener) {
    const forward = (_event: IpcRendererEvent, info: ControlPlaneInfo) => listener(info);
    ipcRenderer.on(channels.controlPlaneChanged, forward);
    return () => ipcRenderer.removeListener(channels.controlPlaneChanged, forward);
  },
  // Electron's "main world <-> main process via MessagePort" pattern: ports cannot cross the
  // context bridge, so one end goes to main and the other to the page as a window message.
  openTerminal(path, protocols) {
    const id = `terminal-${++terminals}`;
    const { port1, port2 } = new MessageChannel();
    const request: TerminalRequest = { path: String(path), protocols: Array.from(protocols, String) };
    ipcRenderer.postMessage(channels.openTerminal, request, [port1]);
    page.postMessage({ type: 'flotilla:terminal-port', id }, page.location.origin, [port2]);
    return id;
  },
};

contextBridge.exposeInMainWorld('flotilla', bridge);
