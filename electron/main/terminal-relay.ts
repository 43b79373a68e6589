// Terminals in the desktop app. `protocol.handle` cannot carry WebSockets (and app: URLs cannot
// become ws:), so the renderer hands main a MessagePort and main opens the WebSocket itself, with
// the UI session it keeps (the token never reaches the renderer) and trusting only the cluster
// CA. Only terminal paths are relayed: the port is not a general tunnel into the control plane.
// No Electron import: index.ts adapts MessagePortMain to TerminalPort, the test a Node port.
import { WebSocket, type RawData } from 'ws';
import type { ControlPlaneSession } from './api-proxy.ts';
import type { TerminalMessage, TerminalRequest } from './ipc-contract.ts';
import { ipcSenderAllowed } from './security.ts';

/** Main's end of the renderer's MessageChannel (MessagePortMain, or a Node MessagePort in tests). */
export interface TerminalPort {
  post(message: TerminalMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The other end went away (page reloaded, window closed) or close() was called. */
  onClose(listener: () => void): void;
  close(): void;
}

export interface TerminalRelayOptions {
  port: TerminalPort;
  request: unknown;
  sender: Parameters<typeof ipcSenderAllowed>[0];
  /** The UI session; undefined while there is no control plane (then `unavailable` says why). */
  session: ControlPlaneSession | undefined;
  unavailable?: string;
}

const segment = '[^/?#]+';
/** pods/exec and pods/attach (here or in a created cluster), node shells, the local shell. */
const terminalPaths = [
  new RegExp(
    `^(/app/v1/clusters/${segment}/k8s)?/api/v1/namespaces/${segment}/pods/${segment}/(exec|attach)$`,
  ),
  new RegExp(`^/app/v1/clusters/${segment}/nodes/${segment}/shell$`),
  /^\/app\/v1\/local-shell$/,
];

/** Whether `path` (with its query) names a terminal WebSocket and nothing else. */
export function isTerminalPath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\') || path.includes('#'))
    return false;
  const pathname = path.split('?')[0]!;
  // No dot segments, plain or encoded: URL parsing would resolve them to another path.
  const segments = pathname.split('/').slice(1);
  const dots = segments.some((s) => {
    try {
      const d = decodeURIComponent(s);
      return d === '.' || d === '..' || d.includes('/');
    } catch {
      return true;
    }
  });
  return !dots && terminalPaths.some((p) => p.test(pathname));
}

/** The Kubernetes streaming subprotocols (v5.channel.k8s.io, base64.channel.k8s.io, ...). */
const isChannelProtocol = (p: unknown) => typeof p === 'string' && /^[a-z0-9]+\.channel\.k8s\.io$/.test(p);

/** Why a request cannot be relayed, or undefined when it can. */
function refusal(o: TerminalRelayOptions): string | undefined {
  if (!ipcSenderAllowed(o.sender)) return 'refused: not a Flotilla page';
  const r = o.request as Partial<TerminalRequest> | null;
  if (typeof r?.path !== 'string' || !isTerminalPath(r.path))
    return `refused: ${JSON.stringify(r?.path)} is not a terminal path (pods/exec, pods/attach, a node shell or the local shell)`;
  if (!Array.isArray(r.protocols) || !r.protocols.every(isChannelProtocol))
    return 'refused: only *.channel.k8s.io subprotocols are relayed';
  if (!o.session) return `the control plane is ${o.unavailable ?? 'not running'}`;
  return undefined;
}

const bytes = (data: RawData): Uint8Array => {
  const chunks = Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];
  // A copy: structured clone would send the whole (pooled) buffer a Buffer views.
  return new Uint8Array(Buffer.concat(chunks));
};

/**
 * Relays one terminal: the WebSocket's binary frames to the port as `data`, the port's `data`
 * to the WebSocket; the WebSocket's close (code, reason) or failure ends the port, and the port's
 * `close` message or disappearance closes the WebSocket.
 */
export function relayTerminal(o: TerminalRelayOptions): void {
  const { port } = o;
  const refused = refusal(o);
  if (refused) {
    port.post({ type: 'close', code: 1008, reason: refused });
    port.close();
    return;
  }
  const { path, protocols } = o.request as TerminalRequest;
  const cp = o.session!;
  const ws = new WebSocket(`${cp.apiUrl}${path}`, protocols, {
    headers: { authorization: `Bearer ${cp.session}` },
    ca: cp.ca,
    perMessageDeflate: false,
  });
  let ended = false;
  let failure = '';
  const end = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    port.post({ type: 'close', code, reason });
    port.close();
  };
  const queued: Buffer[] = [];
  ws.on('open', () => {
    port.post({ type: 'open', protocol: ws.protocol });
    for (const f of queued.splice(0)) ws.send(f);
  });
  ws.on('message', (data) => port.post({ type: 'data', data: bytes(data) }));
  // The server refused the upgrade: say why (its Status message), as a browser cannot.
  ws.on('unexpected-response', (_req, res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c.length + body.length <= 4096 ? c : ''));
    res.on('end', () => {
      let message = body.trim();
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? message;
      } catch {
        // not a Status: the text as it is
      }
      failure = `HTTP ${res.statusCode}${message ? `: ${message}` : ''}`;
      ws.terminate();
    });
  });
  ws.on('error', (err) => (failure ||= err.message));
  ws.on('close', (code, reason) => end(failure ? 1006 : code, failure || reason.toString()));
  port.onMessage((raw) => {
    const m = raw as Partial<TerminalMessage> | null;
    if (m?.type === 'data' && m.data instanceof Uint8Array) {
      const frame = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      else if (ws.readyState === WebSocket.CONNECTING) queued.push(frame);
    } else if (m?.type === 'close') closeSocket();
  });
  // The page went away without saying so (reload, window closed): nothing reads any more.
  port.onClose(closeSocket);
  function closeSocket() {
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  }
}
