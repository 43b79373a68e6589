// The only bridge between the sandboxed renderer and main: the calls of ipc-contract.ts and
// nothing else (no ipcRenderer, no channel names chosen by the page).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels, type ControlPlaneInfo, type FlotillaBridge } from '../main/ipc-contract.ts';

const bridge: FlotillaBridge = {
  getControlPlane: () => ipcRenderer.invoke(channels.getControlPlane),
  retryControlPlane: () => ipcRenderer.invoke(channels.retryControlPlane),
  onControlPlaneChanged(listener) {
    const forward = (_event: IpcRendererEvent, info: ControlPlaneInfo) => listener(info);
    ipcRenderer.on(channels.controlPlaneChanged, forward);
    return () => ipcRenderer.removeListener(channels.controlPlaneChanged, forward);
  },
};

contextBridge.exposeInMainWorld('flotilla', bridge);
