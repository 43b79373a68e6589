// Bootstrap tokens in upstream's format, "<id>.<secret>" = [a-z0-9]{6}.[a-z0-9]{16}. A new node
// presents one to ask for its own credential; the id is public (it names the token), only the
// secret is checked, and tokens are short-lived.
import { randomInt } from 'node:crypto';
import { BOOTSTRAPPERS_GROUP } from './user-info.ts';

export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
/** The extra group our node bootstrap tokens carry (kubeadm's is ...:kubeadm:default-node-token). */
export const DEFAULT_NODE_TOKEN_GROUP = `${BOOTSTRAPPERS_GROUP}:flotilla:default-node-token`;
export const DEFAULT_BOOTSTRAP_TTL_SECONDS = 24 * 60 * 60;
/** A token issued for one node lives an hour unless asked otherwise: joining takes seconds. */
export const NODE_BOOTSTRAP_TTL_SECONDS = 60 * 60;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(length: number): string {
  let out = '';
  // randomInt is unbiased over the alphabet (no modulo skew).
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export interface BootstrapToken {
  id: string;
  secret: string;
}

export function generateBootstrapToken(): BootstrapToken {
  return { id: randomString(6), secret: randomString(16) };
}

export function formatBootstrapToken(token: BootstrapToken): string {
  return `${token.id}.${token.secret}`;
}

export function parseBootstrapToken(text: string): BootstrapToken | undefined {
  const match = BOOTSTRAP_TOKEN_PATTERN.exec(text);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export function bootstrapUsername(id: string): string {
  return BOOTSTRAP_USER_PREFIX + id;
}
