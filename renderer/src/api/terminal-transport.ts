// How a terminal's frames reach the server. In browser mode: a WebSocket on our own origin (the
// session cookie goes along). In the desktop app the page is on app://flotilla, which cannot
// carry WebSockets, and the session stays in main: the preload's `window.flotilla.openTerminal`
// hands the page one end of a MessagePort and main relays it to the WebSocket
// (electron/main/terminal-relay.ts). Both look the same to exec.ts: whole binary frames in and
// out, open, and close with a code and reason.

export interface TransportHandlers {
  onOpen(): void;
  /** One binary WebSocket frame; its first byte is the channel. */
  onFrame(frame: Uint8Array): void;
  /** Once: the server closed, the connection failed, or close() was called. */
  onClose(code: number, reason: string): void;
}

export interface TerminalTransport {
  /** Sends one frame; frames sent before the connection is open wait for it. */
  send(frame: Uint8Array): void;
  close(): void;
}

/** The desktop preload's terminal call (electron/main/ipc-contract.ts FlotillaBridge). */
export interface TerminalBridge {
  openTerminal(path: string, protocols: string[]): string;
}

/** The messages on a terminal's port: mirrors electron/main/ipc-contract.ts TerminalMessage. */
type TerminalMessage =
  | { type: 'open'; protocol: string }
  | { type: 'data'; data: Uint8Array }
  | { type: 'close'; code?: number; reason?: string };

/** The desktop bridge when this page runs in the app, otherwise undefined (browser mode). */
export function desktopBridge(): TerminalBridge | undefined {
  const bridge = (globalThis as { flotilla?: Partial<TerminalBridge> }).flotilla;
  return typeof bridge?.openTerminal === 'function' ? (bridge as TerminalBridge) : undefined;
}

/** Opens a terminal over the transport this page has: the desktop's port relay, or a WebSocket. */
export function openTerminalTransport(
  path: string,
  protocols: string[],
  h: TransportHandlers,
): TerminalTransport {
  const bridge = desktopBridge();
  return bridge ? portTransport(bridge, path, protocols, h) : webSocketTransport(path, protocols, h);
}

export function webSocketTransport(
  path: string,
  protocols: string[],
  h: TransportHandlers,
): TerminalTransport {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url, protocols);
  ws.binaryType = 'arraybuffer';
  const pending: Uint8Array[] = [];
  ws.onopen = () => {
    pending.splice(0).forEach((f) => ws.send(f));
    h.onOpen();
  };
  ws.onmessage = (e) => h.onFrame(new Uint8Array(e.data as ArrayBuffer));
  ws.onclose = (e) => h.onClose(e.code, e.reason);
  return {
    send: (f) => (ws.readyState === WebSocket.OPEN ? ws.send(f) : pending.push(f)),
    close: () => ws.close(),
  };
}

/**
 * The desktop's transport: asks the preload for a terminal and takes the port it posts to this
 * window (Electron's documented main world <-> main process MessagePort pattern).
 */
export function portTransport(
  bridge: TerminalBridge,
  path: string,
  protocols: string[],
  h: TransportHandlers,
): TerminalTransport {
  let port: MessagePort | undefined;
  let open = false;
  let ended = false;
  const pending: Uint8Array[] = [];
  const end = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    port?.close();
    h.onClose(code, reason);
  };
  const receive = (m: TerminalMessage) => {
    if (m.type === 'open') {
      open = true;
      pending.splice(0).forEach((f) => port!.postMessage({ type: 'data', data: f }));
      h.onOpen();
    } else if (m.type === 'data') h.onFrame(m.data);
    else if (m.type === 'close') end(m.code ?? 1006, m.reason ?? '');
  };
  const id = bridge.openTerminal(path, protocols);
  // The preload's window.postMessage arrives as a task, after this function returns.
  const take = (e: MessageEvent) => {
    const d = e.data as { type?: unknown; id?: unknown } | null;
    // source === window: from the preload, not from a frame or another page.
    if (e.source !== window || d?.type !== 'flotilla:terminal-port' || d.id !== id || !e.ports[0]) return;
    window.removeEventListener('message', take);
    port = e.ports[0];
    if (ended) {
      port.postMessage({ type: 'close' });
      port.close();
      return;
    }
    port.onmessage = (event) => receive(event.data as TerminalMessage);
  };
  window.addEventListener('message', take);
  return {
    send(f) {
      if (ended) return;
      if (open) port!.postMessage({ type: 'data', data: f });
      else pending.push(f);
    },
    close() {
      port?.postMessage({ type: 'close' });
      // Closed by the page, as WebSocket.close() would report it.
      end(1000, '');
    },
  };
}
