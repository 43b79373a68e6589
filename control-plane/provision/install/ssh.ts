// SSH to a provisioned node with ssh2: the cluster's ed25519 key as identity and the node's host
// key pinned. ssh2 asks hostVerifier before it authenticates, so a host presenting any other
// key never sees our key or anything we would send.
import ssh2 from 'ssh2';
import { publicKeyBlob } from '../netns/keys.ts';
import type { ProvisionedNode } from '../provider.ts';

export class HostKeyMismatchError extends Error {
  constructor(
    readonly node: string,
    readonly address: string,
  ) {
    super(
      `the SSH host key of node ${node} (${address}) is not the one pinned for it: refusing to connect (was the host replaced, or is something else answering on its address?)`,
    );
    this.name = 'HostKeyMismatchError';
  }
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SshSession {
  /** Runs a shell command line; never throws for a non-zero exit (look at `code`). */
  exec(command: string, options?: { input?: string }): Promise<ExecResult>;
  /** Like exec, but throws with the command's stderr when it fails. */
  run(command: string, options?: { input?: string }): Promise<string>;
  /** Copies a local file to the node (sftp), then sets its mode. */
  upload(localPath: string, remotePath: string, mode?: number): Promise<void>;
  /** Writes content to a file on the node (sftp). */
  writeFile(remotePath: string, content: string | Buffer, mode?: number): Promise<void>;
  /**
   * An interactive shell (or `command`) wired to this process's terminal: a pty when stdin is
   * a TTY, raw mode while it runs. Resolves with the remote exit code.
   */
  attach(command?: string): Promise<number>;
  close(): void;
}

export interface ConnectOptions {
  /** The cluster's private key (OpenSSH PEM). */
  privateKey: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function connectSsh(node: ProvisionedNode, options: ConnectOptions): Promise<SshSession> {
  const pinned = publicKeyBlob(node.hostKey);
  const client = new ssh2.Client();
  let mismatch = false;
  return new Promise<SshSession>((resolve, reject) => {
    const onAbort = () => {
      client.end();
      reject(new Error('cancelled'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve(session(client));
    });
    client.once('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(mismatch ? new HostKeyMismatchError(node.name, node.address) : error);
    });
    client.connect({
      host: node.address,
      port: node.sshPort,
      username: node.sshUser,
      privateKey: options.privateKey,
      readyTimeout: options.timeoutMs ?? 30_000,
      hostVerifier: (key: Buffer) => {
        mismatch = !key.equals(pinned);
        return !mismatch;
      },
    });
  });
}

/** Shell-quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function session(client: ssh2.Client): SshSession {
  let sftp: Promise<ssh2.SFTPWrapper> | undefined;
  const sftpOf = () =>
    (sftp ??= new Promise((resolve, reject) =>
      client.sftp((error, wrapper) => (error ? reject(error) : resolve(wrapper))),
    ));
  const exec: SshSession['exec'] = (command, options = {}) =>
    new Promise((resolve, reject) => {
      client.exec(command, (error, stream) => {
        if (error) return reject(error);
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        stream.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        stream.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        stream.on('exit', (exitCode: number | null) => (code = exitCode));
        stream.on('close', () => resolve({ code, stdout, stderr }));
        stream.end(options.input ?? '');
      });
    });
  return {
    exec,
    async run(command, options) {
      const result = await exec(command, options);
      if (result.code !== 0)
        throw new Error(`${command.split('\n')[0]} failed (exit ${result.code}): ${result.stderr.trim()}`);
      return result.stdout;
    },
    async upload(localPath, remotePath, mode = 0o644) {
      const wrapper = await sftpOf();
      await new Promise<void>((resolve, reject) =>
        wrapper.fastPut(localPath, remotePath, (error) => (error ? reject(error) : resolve())),
      );
      await new Promise<void>((resolve, reject) =>
        wrapper.chmod(remotePath, mode, (error) => (error ? reject(error) : resolve())),
      );
    },
    async writeFile(remotePath, content, mode = 0o644) {
      const wrapper = await sftpOf();
      await new Promise<void>((resolve, reject) =>
        wrapper.writeFile(remotePath, content, { mode }, (error) => (error ? reject(error) : resolve())),
      );
      await new Promise<void>((resolve, reject) =>
        wrapper.chmod(remotePath, mode, (error) => (error ? reject(error) : resolve())),
      );
    },
    attach: (command) => attach(client, command),
    close: () => client.end(),
  };
}

function attach(client: ssh2.Client, command?: string): Promise<number> {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  const pty = tty
    ? {
        term: process.env['TERM'] ?? 'xterm-256color',
        rows: process.stdout.rows,
        cols: process.stdout.columns,
      }
    : undefined;
  return new Promise((resolve, reject) => {
    const onChannel = (error: Error | undefined, stream: ssh2.ClientChannel) => {
      if (error) return reject(error);
      let code = 0;
      if (tty) stdin.setRawMode(true);
      stdin.pipe(stream);
      stream.pipe(process.stdout);
      stream.stderr.pipe(process.stderr);
      const onResize = () => stream.setWindow(process.stdout.rows, process.stdout.columns, 0, 0);
      process.stdout.on('resize', onResize);
      stream.on('exit', (exitCode: number | null) => (code = exitCode ?? 1));
      stream.on('close', () => {
        process.stdout.off('resize', onResize);
        stdin.unpipe(stream);
        if (tty) stdin.setRawMode(false);
        stdin.pause();
        resolve(code);
      });
    };
    if (command) client.exec(command, pty ? { pty } : {}, onChannel);
    else client.shell(pty ?? false, onChannel);
  });
}
