// The API server's hop to a kubelet: HTTPS with the kubelet client certificate
// (pki/apiserver-kubelet-client), the kubelet's serving certificate checked against the
// cluster CA. Plain GETs (logs) are streamed back; upgrades (exec, attach, port-forward) are
// relayed byte for byte once the kubelet answers 101, so whatever protocol kubectl and the
// kubelet agree on (WebSocket v5, SPDY tunnelled in WebSocket, SPDY) passes unchanged.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Call } from '../handlers/call.ts';
import type { KubeletLocation } from './kubelet-location.ts';
import { backendError } from './kubelet-location.ts';

export interface KubeletClientTls {
  /** Cluster CA: kubelet serving certificates chain to it. */
  ca: string;
  cert: string;
  key: string;
}

// Only what the protocol needs goes to the kubelet; the caller's credentials stay here.
const FORWARDED = [
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'x-stream-protocol-version',
  'user-agent',
  'accept',
];

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of FORWARDED) {
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function requestOptions(
  tls: KubeletClientTls,
  to: KubeletLocation,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
): RequestOptions {
  return {
    host: to.host,
    port: to.port,
    method,
    path,
    headers,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    agent: false,
  };
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    res.once('end', () => resolve(body));
    res.once('error', () => resolve(body));
  });
}

/** The message of a kubelet error body: a Status's message, or the text itself. */
function messageOf(body: string, code: number): string {
  try {
    const status = JSON.parse(body) as { message?: string };
    if (status.message) return status.message;
  } catch {
    // Plain text.
  }
  return body.trim() || `the kubelet answered ${code}`;
}

// Upstream's wording when the kubelet cannot be reached (a node without the kubelet API, a
// stopped agent): `error dialing backend: dial tcp ...`.
const dialError = (to: KubeletLocation, err: Error) =>
  backendError(500, `error dialing backend: ${to.host}:${to.port}: ${err.message}`);

/** GET path on the kubelet and stream a 2xx body back as text/plain; errors become Status. */
export function proxyKubeletGet(
  call: Call,
  tls: KubeletClientTls,
  to: KubeletLocation,
  path: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const up = request(requestOptions(tls, to, 'GET', path, forwardedHeaders(call.req.headers)));
    const gone = () => up.destroy();
    call.res.once('close', gone);
    up.once('error', (err) =>
      call.res.headersSent ? (call.res.destroy(), resolve()) : reject(dialError(to, err)),
    );
    up.once('response', (res) => {
      const code = res.statusCode ?? 500;
      if (code < 200 || code >= 300) {
        void readAll(res).then((body) => reject(backendError(code, messageOf(body, code))));
        return;
      }
      call.res.writeHead(200, {
        'Content-Type': String(res.headers['content-type'] ?? 'text/plain'),
        'Transfer-Encoding': 'chunked',
        'Audit-Id': call.auditId,
      });
      call.res.flushHeaders();
      res.pipe(call.res);
      res.once('end', () => resolve());
      res.once('error', () => {
        call.res.destroy();
        resolve();
      });
    });
    up.end();
  });
}

/** Relay an upgrade request to the kubelet; the kubelet's non-101 answers go back as they are. */
export function proxyKubeletUpgrade(
  call: Call,
  upgrade: { socket: Duplex; head: Buffer },
  tls: KubeletClientTls,
  to: KubeletLocation,
  path: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = upgrade.socket;
    const up = request(
      requestOptions(tls, to, call.req.method ?? 'GET', path, forwardedHeaders(call.req.headers)),
    );
    up.once('error', (err) => reject(dialError(to, err)));
    up.once('upgrade', (res, kubelet, head) => {
      const lines = [`HTTP/1.1 101 Switching Protocols`];
      for (let i = 0; i < res.rawHeaders.length; i += 2)
        lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
      client.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) client.write(head);
      if (upgrade.head.length) kubelet.write(upgrade.head);
      const close = () => {
        client.destroy();
        kubelet.destroy();
      };
      client.pipe(kubelet);
      kubelet.pipe(client);
      client.once('close', close);
      kubelet.once('close', close);
      client.on('error', close);
      kubelet.on('error', close);
      resolve();
    });
    up.once('response', (res) => {
      const code = res.statusCode ?? 500;
      void readAll(res).then((body) => {
        call.res.writeHead(code, {
          'Content-Type': String(res.headers['content-type'] ?? 'text/plain'),
          'Content-Length': Buffer.byteLength(body),
          Connection: 'close',
        });
        call.res.end(body);
        resolve();
      });
    });
    up.end();
  });
}
