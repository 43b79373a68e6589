// One SSH connection to a node with ssh2, the host key checked before authentication: a host
// presenting any key other than the pinned one is refused before we send a credential. Every
// provider uses it to wait for a booted node and to look at (or prepare) the host.
import { createHash } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import ssh2 from 'ssh2';
import { publicKeyBlob } from '../netns/keys.ts';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key text; or use `agent`. */
  privateKey?: string;
  passphrase?: string;
  /** Path of an ssh-agent socket (`$SSH_AUTH_SOCK`). */
  agent?: string;
  /**
   * The host key to accept: an OpenSSH public key line, or a fingerprint ("SHA256:..."), or a
   * function deciding from the fingerprint (explicit confirmation by the user).
   */
  hostKey: string | ((presented: PresentedHostKey) => boolean);
  readyTimeoutMs?: number;
}

export interface PresentedHostKey {
  /** OpenSSH-style fingerprint, "SHA256:<base64 without padding>". */
  fingerprint: string;
  /** The key as an OpenSSH line ("ssh-ed25519 AAAA..."). */
  publicKey: string;
}

export class HostKeyMismatchError extends Error {
  constructor(
    readonly presented: PresentedHostKey,
    readonly expected: string,
  ) {
    super(`the host presented key ${presented.fingerprint}, not the pinned ${expected}`);
    this.name = 'HostKeyMismatchError';
  }
}

export interface SshSession {
  /** Runs a command (through the login shell); never rejects on a non-zero exit. */
  exec(command: string, options?: { input?: string }): Promise<ExecResult>;
  /** The host key the server presented (and we accepted). */
  hostKey: PresentedHostKey;
  /** Our address on the connection: where the host reaches us (the control plane). */
  localAddress: string;
  close(): void;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export function presentedKey(keyBlob: Buffer): PresentedHostKey {
  const type = keyBlob.subarray(4, 4 + keyBlob.readUInt32BE(0)).toString('latin1');
  return { fingerprint: fingerprintOf(keyBlob), publicKey: `${type} ${keyBlob.toString('base64')}` };
}

function matches(expected: SshTarget['hostKey'], presented: PresentedHostKey, blob: Buffer): boolean {
  if (typeof expected === 'function') return expected(presented);
  if (expected.startsWith('SHA256:')) return expected.replace(/=+$/, '') === presented.fingerprint;
  return publicKeyBlob(expected).equals(blob);
}

export function openSsh(target: SshTarget, signal?: AbortSignal): Promise<SshSession> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let presented: PresentedHostKey | undefined;
    let mismatch: HostKeyMismatchError | undefined;
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    // Our own socket, so we can tell which local address the host sees us at.
    const socket = tcpConnect({ host: target.host, port: target.port });
    const onAbort = () => {
      client.end();
      socket.destroy();
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    socket.once('error', (error) => {
      settle();
      reject(error);
    });
    socket.once('connect', () => {
      const localAddress = socket.localAddress ?? '';
      client
        .on('ready', () => {
          settle();
          resolve(session(client, presented!, localAddress));
        })
        .on('error', (error) => {
          settle();
          client.end();
          reject(mismatch ?? error);
        });
      try {
        client.connect({
          sock: socket,
          username: target.username,
          privateKey: target.privateKey,
          passphrase: target.passphrase,
          agent: target.agent,
          readyTimeout: target.readyTimeoutMs ?? 30_000,
          hostVerifier: (key: Buffer) => {
            presented = presentedKey(key);
            if (matches(target.hostKey, presented, key)) return true;
            const expected = typeof target.hostKey === 'string' ? target.hostKey : 'confirmed key';
            mismatch = new HostKeyMismatchError(presented, short(expected));
            return false;
          },
        });
      } catch (error) {
        // A key ssh2 cannot read throws here, outside every callback: fail this connect only.
        settle();
        socket.destroy();
        reject(error);
      }
    });
  });
}

function short(key: string): string {
  if (key.startsWith('SHA256:')) return key;
  try {
    return fingerprintOf(publicKeyBlob(key));
  } catch {
    return key;
  }
}

function session(client: ssh2.Client, hostKey: PresentedHostKey, localAddress: string): SshSession {
  return {
    hostKey,
    localAddress,
    close: () => client.end(),
    exec: (command, options = {}) =>
      new Promise((resolve, reject) => {
        client.exec(command, (error, stream) => {
          if (error) return reject(error);
          let stdout = '';
          let stderr = '';
          stream.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
          stream.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
          stream.on('close', (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
          if (options.input !== undefined) stream.end(options.input);
          else stream.end();
        });
      }),
  };
}

/** Opens a session, runs `use`, and closes it whatever happens. */
export async function withSsh<T>(
  target: SshTarget,
  use: (ssh: SshSession) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const ssh = await openSsh(target, signal);
  try {
    return await use(ssh);
  } finally {
    ssh.close();
  }
}
