// Electron's side of the terminal relay: the `openTerminal` IPC message arrives with the
// renderer's MessagePort (the preload's MessageChannel), and relayTerminal does the rest with the
// session main holds. The relay itself has no Electron import (terminal-relay.ts, tested there).
import { ipcMain, type BrowserWindow, type IpcMainEvent, type MessagePortMain } from 'electron';
import type { ControlPlaneSession } from './api-proxy.ts';
import { channels } from './ipc-contract.ts';
import { relayTerminal, type TerminalPort } from './terminal-relay.ts';

export interface TerminalIpcDeps {
  window(): BrowserWindow | undefined;
  session(): ControlPlaneSession | undefined;
  /** What the control plane is doing while there is no session ("restarting ..."). */
  unavailable(): string;
}

/** MessagePortMain as the relay's port: messages come wrapped in an event, and need start(). */
function portMain(port: MessagePortMain): TerminalPort {
  return {
    post: (message) => port.postMessage(message),
    onMessage(listener) {
      port.on('message', (event) => listener(event.data));
      port.start();
    },
    onClose: (listener) => port.on('close', listener),
    close: () => port.close(),
  };
}

/** Relays every terminal our page asks for; the sender is checked like every IPC handler's. */
export function handleTerminals(deps: TerminalIpcDeps): void {
  ipcMain.on(channels.openTerminal, (event: IpcMainEvent, request: unknown) => {
    const port = event.ports[0];
    if (!port) return;
    const window = deps.window();
    const frame = event.senderFrame;
    relayTerminal({
      port: portMain(port),
      request,
      sender: {
        frameUrl: frame?.url,
        isMainFrame: frame?.parent === null,
        fromOurWindow: window !== undefined && !window.isDestroyed() && event.sender === window.webContents,
      },
      session: deps.session(),
      unavailable: deps.unavailable(),
    });
  });
}
