// The desktop's terminal relay under plain Node (the Electron binary cannot run here): a Node
// MessageChannel stands in for Electron's MessagePortMain and the renderer's port, and the other
// side is the REAL control plane, started the way the desktop starts it (control-plane-process.ts)
// and reached with the UI session main gets from the one-time login link. The terminal is the
// app API's local shell (/bin/sh in a pty), so bytes, resizes and exits are real.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type ControlPlaneSession } from './api-proxy.ts';
import type { TerminalMessage } from './ipc-contract.ts';
import { isTerminalPath, relayTerminal, type TerminalRelayOptions } from './terminal-relay.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const ourPage = { frameUrl: 'app://flotilla/index.html', isMainFrame: true, fromOurWindow: true };
const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const encoder = new TextEncoder();
const frame = (channel: number, text: string) => new Uint8Array([channel, ...encoder.encode(text)]);

/** The renderer's end of one relayed terminal: everything main sent, in order. */
interface Page {
  port: MessagePort;
  messages: TerminalMessage[];
  closed: Promise<void>;
  /** stdout+stderr so far, as text. */
  output(): string;
  /** Resolves with the first message matching, or fails naming what it waited for. */
  next(what: string, match: (m: TerminalMessage) => boolean, timeoutMs?: number): Promise<TerminalMessage>;
}

function openTerminal(o: Omit<TerminalRelayOptions, 'port' | 'sender'> & { sender?: typeof ourPage }): Page {
  const { port1: mainEnd, port2: pageEnd } = new MessageChannel();
  const messages: TerminalMessage[] = [];
  const waiters = new Set<() => void>();
  pageEnd.on('message', (m: TerminalMessage) => {
    messages.push(m);
    for (const w of waiters) w();
  });
  const closed = new Promise<void>((done) => pageEnd.once('close', () => done()));
  relayTerminal({
    sender: ourPage,
    ...o,
    port: {
      post: (m) => mainEnd.postMessage(m),
      onMessage: (listener) => mainEnd.on('message', listener),
      onClose: (listener) => mainEnd.once('close', listener),
      close: () => mainEnd.close(),
    },
  });
  return {
    port: pageEnd,
    messages,
    closed,
    output: () =>
      messages
        .flatMap((m) =>
          m.type === 'data' && (m.data[0] === 1 || m.data[0] === 2) ? [m.data.subarray(1)] : [],
        )
        .map((d) => Buffer.from(d).toString())
        .join(''),
    next(what, match, timeoutMs = 30_000) {
      return new Promise((ok, fail) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          ok(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

const closeMessage = (m: TerminalMessage) => m.type === 'close';

describe('terminal relay (main <-> control plane WebSocket over a MessagePort)', () => {
  let child: ChildProcess;
  let dataDir: string;
  let session: ControlPlaneSession;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'flotilla-terminal-relay-'));
    child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'electron/main/control-plane-process.ts')],
      {
        cwd: repoRoot,
        // A plain, predictable shell behind the local-shell terminal.
        env: { ...process.env, FLOTILLA_DATA_DIR: dataDir, SHELL: '/bin/sh' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const ready = await new Promise<{ type: string; loginUrl: string; caPath: string; error?: string }>(
      (ok, fail) => {
        createInterface({ input: child.stdout! }).once('line', (l) => ok(JSON.parse(l)));
        child.once('exit', (code) => fail(new Error(`control plane process exited ${code}`)));
      },
    );
    expect(ready.type, ready.error).toBe('ready');
    session = await login(ready.loginUrl, ready.caPath);
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('relays bytes both ways and the terminal size, with the session only main holds', async () => {
    const page = openTerminal({ request: { path: '/app/v1/local-shell', protocols }, session });
    const open = await page.next('open', (m) => m.type === 'open' || m.type === 'close');
    expect(open).toEqual({ type: 'open', protocol: 'v5.channel.k8s.io' });
    // The local shell reads its socket once the pty is up: wait for the prompt before typing.
    await page.next('the prompt', () => page.output().length > 0);
    page.port.postMessage({ type: 'data', data: frame(4, JSON.stringify({ Width: 123, Height: 45 })) });
    // Arithmetic in the echo: the typed command echoes "$((6*7))", only the shell prints 42.
    page.port.postMessage({ type: 'data', data: frame(0, 'stty size; echo relayed-$((6*7))\n') });
    await page.next('the shell output', () => page.output().includes('relayed-42'));
    expect(page.output()).toContain('45 123');
    page.port.postMessage({ type: 'close' });
    await page.next('close', closeMessage);
    await page.closed;
  });

  it("passes the process's exit status and the close code to the page, then closes the port", async () => {
    const page = openTerminal({ request: { path: '/app/v1/local-shell', protocols }, session });
    await page.next('the prompt', () => page.output().length > 0);
    page.port.postMessage({ type: 'data', data: frame(0, 'exit 3\n') });
    const status = await page.next('the final Status', (m) => m.type === 'data' && m.data[0] === 3);
    expect(
      JSON.parse(Buffer.from((status as { data: Uint8Array }).data.subarray(1)).toString()),
    ).toMatchObject({
      status: 'Failure',
      message: 'exit code 3',
    });
    expect(await page.next('close', closeMessage)).toEqual({ type: 'close', code: 1000, reason: '' });
    await page.closed;
  });

  it('closes the WebSocket when the page goes away without a word (reload, window closed)', async () => {
    const page = openTerminal({ request: { path: '/app/v1/local-shell', protocols }, session });
    await page.next('the prompt', () => page.output().length > 0);
    page.port.postMessage({ type: 'data', data: frame(0, 'echo shell-pid-$$\n') });
    await page.next('the pid', () => /shell-pid-\d+/.test(page.output()));
    const pid = Number(/shell-pid-(\d+)/.exec(page.output())![1]);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    page.port.close();
    // The control plane ends the shell when its WebSocket closes: no shell is left behind.
    await expect.poll(alive, { timeout: 30_000, interval: 200 }).toBe(false);
  });

  it('says why the control plane refused the WebSocket', async () => {
    const page = openTerminal({
      request: { path: '/app/v1/local-shell', protocols },
      session: { ...session, session: 'not-a-session' },
    });
    const close = await page.next('close', closeMessage);
    expect(close).toMatchObject({ type: 'close', code: 1006, reason: expect.stringMatching(/^HTTP 401/) });
    expect(page.messages.some((m) => m.type === 'open')).toBe(false);
    await page.closed;
  });

  it('relays only terminal paths: anything else is refused with the reason', async () => {
    for (const path of [
      '/api/v1/namespaces/default/secrets?watch=true',
      '/app/v1/local-shell/../../api/v1/secrets',
      '/api/v1/namespaces/default/pods/x/%2e%2e/%2e%2e/secrets/y/exec',
      'https://example.com/api/v1/namespaces/default/pods/x/exec',
    ]) {
      const page = openTerminal({ request: { path, protocols }, session });
      expect(await page.next('close', closeMessage)).toMatchObject({
        code: 1008,
        reason: expect.stringContaining('is not a terminal path'),
      });
      await page.closed;
    }
    const page = openTerminal({ request: { path: '/app/v1/local-shell', protocols: ['chat'] }, session });
    expect(await page.next('close', closeMessage)).toMatchObject({
      code: 1008,
      reason: expect.stringMatching(/subprotocols/),
    });
  });

  it('refuses a sender that is not our page, and says when there is no control plane', async () => {
    const request = { path: '/app/v1/local-shell', protocols };
    for (const sender of [
      { ...ourPage, frameUrl: 'https://example.com/' },
      { ...ourPage, isMainFrame: false },
      { ...ourPage, fromOurWindow: false },
    ]) {
      const page = openTerminal({ request, session, sender });
      expect(await page.next('close', closeMessage)).toEqual({
        type: 'close',
        code: 1008,
        reason: 'refused: not a Flotilla page',
      });
    }
    const page = openTerminal({ request, session: undefined, unavailable: 'restarting (attempt 2) in 2 s' });
    expect(await page.next('close', closeMessage)).toMatchObject({
      reason: 'the control plane is restarting (attempt 2) in 2 s',
    });
  });

  it.each([
    ['/api/v1/namespaces/default/pods/web-1/exec?command=sh&stdin=true&tty=true', true],
    ['/api/v1/namespaces/default/pods/web-1/attach?container=app', true],
    ['/app/v1/clusters/dev/k8s/api/v1/namespaces/kube-system/pods/p/exec?command=ls', true],
    ['/app/v1/clusters/dev/nodes/dev-worker-1/shell', true],
    ['/app/v1/local-shell?cluster=dev', true],
    ['/api/v1/namespaces/default/pods/web-1/portforward?ports=80', false],
    ['/api/v1/namespaces/default/pods/web-1/log', false],
    ['/app/v1/clusters/dev/k8s/api/v1/secrets', false],
    ['/app/v1/clusters', false],
    ['//evil.example/app/v1/local-shell', false],
    ['/app/v1/clusters/../nodes/x/shell', false],
  ])('isTerminalPath(%s) is %s', (path, expected) => {
    expect(isTerminalPath(path)).toBe(expected);
  });
});
