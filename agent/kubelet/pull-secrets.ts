// imagePullSecrets to PullImage credentials (upstream pkg/credentialprovider keyring, reduced
// to what pull secrets need): a `.dockerconfigjson` or `.dockercfg` entry applies to an image
// when its registry host matches and its path is a prefix of the image's repository. The
// longest (most specific) match wins, as in upstream's BasicDockerKeyring.
import type { Pod } from '../../api/types/pod.ts';
import type { ConfigSources, KeyValues } from './config-sources.ts';
import type { AuthConfig } from './cri/types.ts';

type DockerConfigEntry = { username?: string; password?: string; auth?: string; identitytoken?: string };

/** Docker Hub's many names, all meaning the image reference host docker.io. */
const DOCKER_HUB = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** "busybox" -> "docker.io/library/busybox"; "reg:5000/a/b:1" -> "reg:5000/a/b" (no tag or digest). */
export function imageRepository(image: string): string {
  let name = image.split('@')[0]!;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) name = name.slice(0, colon);
  const first = name.split('/')[0]!;
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) return `docker.io/${name.includes('/') ? name : `library/${name}`}`;
  return DOCKER_HUB.has(first) ? `docker.io${name.slice(first.length)}` : name;
}

/** A config key ("https://index.docker.io/v1/", "reg:5000", "reg:5000/team") as host/path. */
function keyPrefix(key: string): string {
  const bare = key.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const host = bare.split('/')[0]!;
  if (DOCKER_HUB.has(host)) return 'docker.io'; // Docker Hub keys carry an API path (/v1/), not a repository
  return bare;
}

/** The entries of one secret's data (decoded values by key). */
export function dockerConfigEntries(data: ReadonlyMap<string, Buffer>): Map<string, DockerConfigEntry> {
  const entries = new Map<string, DockerConfigEntry>();
  const parse = (raw: Buffer | undefined): Record<string, DockerConfigEntry> | undefined => {
    if (!raw) return undefined;
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return undefined;
    }
  };
  const json = parse(data.get('.dockerconfigjson')) as
    { auths?: Record<string, DockerConfigEntry> } | undefined;
  for (const [k, v] of Object.entries(json?.auths ?? {})) entries.set(k, v);
  for (const [k, v] of Object.entries(parse(data.get('.dockercfg')) ?? {}))
    if (!entries.has(k)) entries.set(k, v);
  return entries;
}

/** The credential for `image` among the secrets' entries, in secret order; undefined: pull anonymously. */
export function pullAuthFor(
  image: string,
  secrets: readonly ReadonlyMap<string, Buffer>[],
): AuthConfig | undefined {
  const repository = imageRepository(image);
  let best: { length: number; key: string; entry: DockerConfigEntry } | undefined;
  for (const data of secrets) {
    for (const [key, entry] of dockerConfigEntries(data)) {
      const prefix = keyPrefix(key);
      if (repository !== prefix && !repository.startsWith(`${prefix}/`)) continue;
      if (!best || prefix.length > best.length) best = { length: prefix.length, key, entry };
    }
  }
  if (!best) return undefined;
  const { entry } = best;
  let { username, password } = entry;
  if ((!username || !password) && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
  return {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(entry.identitytoken ? { identityToken: entry.identitytoken } : {}),
    // No serverAddress: containerd 1.6 then offers the credential to whichever host serves the
    // pull (a mirror too), and it cannot parse a scheme-less "host:port" there anyway.
  };
}

/**
 * The credential the pod's imagePullSecrets give for `image`. A missing or unreadable secret is
 * skipped, as upstream does: the pull is tried anonymously and fails with the registry's words.
 */
export async function imagePullAuth(
  ctx: { sources: ConfigSources },
  pod: Pod,
  image: string,
): Promise<AuthConfig | undefined> {
  const refs = pod.spec?.imagePullSecrets ?? [];
  if (refs.length === 0) return undefined;
  const namespace = pod.metadata?.namespace ?? 'default';
  const secrets = await Promise.all(
    refs.map((ref) =>
      ref.name ? ctx.sources.secret(namespace, ref.name).catch(() => undefined) : undefined,
    ),
  );
  return pullAuthFor(
    image,
    secrets.filter((s): s is KeyValues => s !== undefined),
  );
}
