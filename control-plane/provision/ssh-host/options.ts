// What the user tells us about an existing Linux host (ProviderNodeSpec.options for `ssh`).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { ProvisionError } from '../provider.ts';

const STEP = 'check host';

export interface SshHostOptions {
  host: string;
  port: number;
  user: string;
  /** OpenSSH private key text (from `privateKey`, or read from `identityFile`). */
  privateKey?: string;
  passphrase?: string;
  /** ssh-agent socket (`agent: true` uses $SSH_AUTH_SOCK). */
  agent?: string;
  /** The host key as the user knows it: an OpenSSH public key line or "SHA256:..." fingerprint. */
  hostKey?: string;
  /** The user explicitly confirmed the key the host presents on first contact. */
  acceptNewHostKey: boolean;
}

/**
 * A cluster passes the same options to every node, so several hosts are listed in `hosts` (node
 * index 1 takes the first), each "user@host:port" or an object; top-level keys are defaults.
 */
export function nodeHostOptions(
  options: Record<string, unknown> | undefined,
  index: number,
): Record<string, unknown> {
  const { hosts, ...defaults } = options ?? {};
  if (hosts === undefined) return defaults;
  if (!Array.isArray(hosts)) throw new ProvisionError(STEP, 'the ssh provider option hosts must be a list');
  const entry: unknown = hosts[index - 1];
  if (entry === undefined)
    throw new ProvisionError(
      STEP,
      `no host for node ${index}: hosts lists ${hosts.length}`,
      'List one host per node.',
    );
  if (typeof entry === 'string') {
    const m = /^(?:([^@]+)@)?([^:@]+|\[[^\]]+\])(?::(\d+))?$/.exec(entry);
    if (!m) throw new ProvisionError(STEP, `cannot read host ${JSON.stringify(entry)}: use user@host:port`);
    return {
      ...defaults,
      host: m[2]!.replace(/^\[|\]$/g, ''),
      ...(m[1] ? { user: m[1] } : {}),
      ...(m[3] ? { port: Number(m[3]) } : {}),
    };
  }
  return { ...defaults, ...(entry as Record<string, unknown>) };
}

export function parseSshHostOptions(options: Record<string, unknown> | undefined): SshHostOptions {
  const o = options ?? {};
  const str = (key: string) => {
    const value = o[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      throw new ProvisionError(STEP, `ssh provider option ${key} must be a non-empty string`);
    return value;
  };
  const host = str('host');
  if (!host)
    throw new ProvisionError(
      STEP,
      'the ssh provider needs the host to use',
      'Give host (and user, identityFile) for each node.',
    );
  const port = o.port === undefined ? 22 : Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ProvisionError(STEP, `invalid SSH port ${String(o.port)}`);
  const identityFile = str('identityFile');
  let privateKey = str('privateKey');
  if (!privateKey && identityFile) {
    const path = identityFile.startsWith('~/') ? `${homedir()}${identityFile.slice(1)}` : identityFile;
    try {
      privateKey = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ProvisionError(
        STEP,
        `cannot read the identity file ${identityFile}: ${(error as Error).message}`,
      );
    }
  }
  const agent = o.agent === true ? process.env.SSH_AUTH_SOCK : str('agent');
  if (!privateKey && !agent)
    throw new ProvisionError(
      STEP,
      `no way to log in to ${host}: give identityFile (or privateKey), or agent: true with a running ssh-agent`,
    );
  const hostKey = str('hostKey') ?? str('hostKeyFingerprint');
  return {
    host,
    port,
    user: str('user') ?? 'root',
    privateKey,
    passphrase: str('passphrase'),
    agent,
    hostKey,
    acceptNewHostKey: o.acceptNewHostKey === true,
  };
}
