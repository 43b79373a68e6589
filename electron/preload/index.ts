// The only bridge between the sandboxed renderer and main: one typed, read-only call.
import { contextBridge, ipcRenderer } from 'electron';
import { channels, type FlotillaBridge } from '../main/ipc-contract.ts';

const bridge: FlotillaBridge = {
  getControlPlane: () => ipcRenderer.invoke(channels.getControlPlane),
};

contextBridge.exposeInMainWorld('flotilla', bridge);
