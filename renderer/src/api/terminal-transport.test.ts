// @vitest-environment happy-dom
// A terminal session over both transports. Browser mode: a real WebSocket to a small `ws` server
// on loopback speaking the Kubernetes channel protocol. Desktop: `window.flotilla.openTerminal`
// as the preload provides it (a MessageChannel, one port posted to this window with the
// preload's message), the other port played by a stand-in for main's relay (its real code is
// tested against the control plane in electron/main/terminal-relay.test.ts).
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTerminalSocket, type ExecHandlers } from './exec.ts';
import { desktopBridge } from './terminal-transport.ts';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const withChannel = (channel: number, text: string) => new Uint8Array([channel, ...encoder.encode(text)]);

/**
 * A terminal on the far side: echoes stdin as stdout, answers "size" with the last resize,
 * and "exit N" with the final Status and a normal close.
 */
function shell(send: (frame: Uint8Array) => void, close: () => void) {
  let size = 'unset';
  return (frame: Uint8Array) => {
    const text = decoder.decode(frame.subarray(1));
    if (frame[0] === 4) size = text;
    else if (frame[0] === 0 && text.startsWith('exit ')) {
      send(
        withChannel(3, JSON.stringify({ status: 'Failure', message: `exit code ${text.slice(5).trim()}` })),
      );
      close();
    } else if (frame[0] === 0) send(withChannel(1, text === 'size' ? size : text));
  };
}

/** ExecHandlers that record what a user would see. */
function recorder() {
  const seen = { opened: false, output: '', exit: undefined as string | undefined };
  const handlers: ExecHandlers = {
    onOpen: () => (seen.opened = true),
    onOutput: (d) => (seen.output += decoder.decode(d)),
    onExit: (m) => (seen.exit = m),
  };
  return { seen, handlers };
}

async function typical(path: string) {
  const { seen, handlers } = recorder();
  const session = openTerminalSocket(path, handlers);
  // Sent before the connection is open: delivered once it is, in order.
  session.resize(120, 40);
  session.send('hello ');
  await vi.waitFor(() => expect(seen.opened).toBe(true), { timeout: 10_000 });
  session.send(encoder.encode('world'));
  await vi.waitFor(() => expect(seen.output).toBe('hello world'), { timeout: 10_000 });
  session.send('size');
  await vi.waitFor(() => expect(seen.output).toContain('{"Width":120,"Height":40}'), { timeout: 10_000 });
  session.send('exit 3');
  await vi.waitFor(() => expect(seen.exit).toBe('exit code 3'), { timeout: 10_000 });
}

describe('terminal transport: browser mode (WebSocket)', () => {
  let server: WebSocketServer;
  let port: number;

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => {
      const feed = shell(
        (f) => ws.send(f),
        () => ws.close(1000),
      );
      ws.on('message', (raw: Buffer) => feed(new Uint8Array(raw)));
    });
    await new Promise((ok) => server.once('listening', ok));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise((done) => server.close(done)));

  it('uses a WebSocket when there is no desktop bridge', async () => {
    expect(desktopBridge()).toBeUndefined();
    await typical(`http://127.0.0.1:${port}/app/v1/local-shell`);
  });
});

describe('terminal transport: desktop (MessagePort relayed by main)', () => {
  /** What the stand-in for main saw: the requests and the page's messages. */
  let requests: { path: string; protocols: string[] }[];
  let fromPage: { type: string }[];
  let main: (request: { path: string; protocols: string[] }, port: MessagePort) => void;

  beforeAll(() => {
    (window as unknown as { flotilla: unknown }).flotilla = {
      openTerminal(path: string, protocols: string[]) {
        const id = `terminal-${requests.length + 1}`;
        const { port1, port2 } = new MessageChannel();
        requests.push({ path, protocols });
        main({ path, protocols }, port1);
        // The preload's window.postMessage with the port in its transfer list.
        setTimeout(() =>
          window.dispatchEvent(
            new MessageEvent('message', {
              data: { type: 'flotilla:terminal-port', id },
              source: window,
              ports: [port2],
            }) as unknown as Event,
          ),
        );
        return id;
      },
    };
  });

  afterEach(() => {
    requests = [];
    fromPage = [];
  });

  afterAll(() => delete (window as unknown as { flotilla?: unknown }).flotilla);

  /** Main as it relays a terminal that opens: open, then frames both ways. */
  const relaying = (request: unknown, port: MessagePort) => {
    const feed = shell(
      (data) => port.postMessage({ type: 'data', data }),
      () => {
        port.postMessage({ type: 'close', code: 1000, reason: '' });
        port.close();
      },
    );
    port.onmessage = (e: MessageEvent) => {
      const m = e.data as { type: string; data?: Uint8Array };
      fromPage.push(m);
      if (m.type === 'data') feed(m.data!);
    };
    // Main answers once the WebSocket to the control plane is open.
    setTimeout(() => port.postMessage({ type: 'open', protocol: 'v5.channel.k8s.io' }), 20);
    void request;
  };

  it('relays the session through window.flotilla.openTerminal: bytes, resize, exit status', async () => {
    requests = [];
    fromPage = [];
    main = relaying;
    expect(desktopBridge()).toBeDefined();
    await typical('/api/v1/namespaces/default/pods/web-1/exec?command=sh&stdin=true&tty=true');
    expect(requests).toEqual([
      {
        path: '/api/v1/namespaces/default/pods/web-1/exec?command=sh&stdin=true&tty=true',
        protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
      },
    ]);
  });

  it('tells main when the page closes the terminal', async () => {
    requests = [];
    fromPage = [];
    main = relaying;
    const { seen, handlers } = recorder();
    const session = openTerminalSocket('/app/v1/local-shell', handlers);
    await vi.waitFor(() => expect(seen.opened).toBe(true), { timeout: 10_000 });
    session.close();
    await vi.waitFor(() => expect(fromPage).toContainEqual({ type: 'close' }), { timeout: 10_000 });
    expect(seen.exit).toBe('exited');
  });

  it("shows main's reason when the terminal cannot be opened", async () => {
    requests = [];
    fromPage = [];
    main = (_request, port) => {
      port.postMessage({ type: 'close', code: 1006, reason: 'HTTP 404: pods "gone" not found' });
      port.close();
    };
    const { seen, handlers } = recorder();
    openTerminalSocket('/api/v1/namespaces/default/pods/gone/exec?command=sh', handlers);
    await vi.waitFor(
      () => expect(seen.exit).toBe('connection closed (1006): HTTP 404: pods "gone" not found'),
      {
        timeout: 10_000,
      },
    );
    expect(seen.opened).toBe(false);
  });

  it('ignores a port posted by anything but the preload', async () => {
    requests = [];
    fromPage = [];
    let mainPort: MessagePort | undefined;
    main = (_request, port) => (mainPort = port);
    const { seen, handlers } = recorder();
    // Another frame posting a port with the expected id is not the preload (source !== window).
    const { port2: impostor } = new MessageChannel();
    openTerminalSocket('/app/v1/local-shell', handlers);
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { type: 'flotilla:terminal-port', id: 'terminal-1' },
        source: null,
        ports: [impostor],
      }) as unknown as Event,
    );
    await vi.waitFor(() => expect(mainPort).toBeDefined(), { timeout: 10_000 });
    mainPort!.postMessage({ type: 'open', protocol: 'v5.channel.k8s.io' });
    await vi.waitFor(() => expect(seen.opened).toBe(true), { timeout: 10_000 });
    impostor.close();
    mainPort!.close();
  });
});
