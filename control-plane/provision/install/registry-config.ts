// Registry mirrors and insecure registries (cluster.yaml `registries`), written on each node as
// containerd's per-registry `certs.d/<host>/hosts.toml` (the `config_path` layout of containerd
// 1.6+). containerd reads these files at every pull, so no restart is needed, and writing them
// over SSH makes it work the same for every provider.
import { shellQuote, type SshSession } from './ssh.ts';
import type { ProvisionedNode } from '../provider.ts';

export interface RegistriesSpec {
  /** Registry host (e.g. "docker.io") -> mirror endpoints tried in order ("http://10.0.0.1:5000"). */
  mirrors?: Record<string, string[]>;
  /** Registries ("host:port") reached without TLS verification, or over plain HTTP. */
  insecure?: string[];
}

/** Where containerd looks for hosts.toml files on hosts that do not say otherwise. */
export const DEFAULT_REGISTRY_CONFIG_DIR = '/etc/containerd/certs.d';

/** Docker Hub is named docker.io in image references but served from registry-1.docker.io. */
function upstreamServer(host: string): string {
  return host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`;
}

const HOST = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/i;

/** Problems with a `registries` value, worded for the user; empty when it is fine. */
export function registriesProblems(registries: unknown): string[] {
  if (registries === undefined) return [];
  if (typeof registries !== 'object' || registries === null || Array.isArray(registries))
    return ['registries: a map with mirrors and insecure'];
  const { mirrors, insecure } = registries as RegistriesSpec;
  const problems: string[] = [];
  for (const [host, endpoints] of Object.entries(mirrors ?? {})) {
    if (!HOST.test(host)) problems.push(`registries.mirrors: "${host}" is not a registry host[:port]`);
    if (!Array.isArray(endpoints) || endpoints.length === 0)
      problems.push(`registries.mirrors["${host}"]: a list of http:// or https:// endpoints`);
    for (const endpoint of Array.isArray(endpoints) ? endpoints : []) {
      if (!endpointHost(endpoint))
        problems.push(`registries.mirrors["${host}"]: "${endpoint}" is not an http:// or https:// URL`);
    }
  }
  if (insecure !== undefined && !Array.isArray(insecure))
    problems.push('registries.insecure: a list of host:port');
  for (const host of Array.isArray(insecure) ? insecure : []) {
    if (typeof host !== 'string' || !HOST.test(host))
      problems.push(`registries.insecure: "${String(host)}" is not a registry host[:port]`);
  }
  return problems;
}

/** "http://10.0.0.1:5000/" -> { scheme: "http", host: "10.0.0.1:5000" }. */
function endpointHost(endpoint: unknown): { scheme: string; host: string } | undefined {
  if (typeof endpoint !== 'string') return undefined;
  const m = /^(https?):\/\/([^/\s]+)\/?$/.exec(endpoint.trim());
  return m && HOST.test(m[2]!) ? { scheme: m[1]!, host: m[2]! } : undefined;
}

/**
 * The hosts.toml of every registry the spec mentions, by registry host. A mirror is tried
 * first, in order; containerd falls back to `server` (the registry itself) when all fail.
 */
export function registryHostsFiles(registries: RegistriesSpec | undefined): Map<string, string> {
  const files = new Map<string, string>();
  const insecure = new Set(registries?.insecure ?? []);
  const hostEntries = (scheme: string, host: string): string[] => {
    const lines = [`[host."${scheme}://${host}"]`, '  capabilities = ["pull", "resolve"]'];
    if (scheme === 'https' && insecure.has(host)) lines.push('  skip_verify = true');
    return [...lines, ''];
  };
  for (const [registry, endpoints] of Object.entries(registries?.mirrors ?? {})) {
    if (!HOST.test(registry)) continue;
    const lines = [`server = "${upstreamServer(registry)}"`, ''];
    for (const endpoint of endpoints) {
      const parsed = endpointHost(endpoint);
      if (parsed) lines.push(...hostEntries(parsed.scheme, parsed.host));
    }
    files.set(registry, lines.join('\n'));
  }
  for (const registry of insecure) {
    if (files.has(registry) || !HOST.test(registry)) continue;
    // TLS without verification first, then plain HTTP: containerd 1.6 does not fall back to
    // HTTP on its own.
    const lines = [
      `server = "https://${registry}"`,
      '',
      ...hostEntries('https', registry),
      ...hostEntries('http', registry),
    ];
    files.set(registry, lines.join('\n'));
  }
  return files;
}

/** The node's containerd registry config directory (its `config_path`). */
export function registryConfigDir(node: ProvisionedNode): string {
  return node.agent.registryConfigDir ?? DEFAULT_REGISTRY_CONFIG_DIR;
}

/**
 * Writes each registry's hosts.toml on the node and removes those of registries no longer
 * configured (only files we wrote: they carry our marker line).
 */
export async function writeRegistryConfig(
  ssh: SshSession,
  node: ProvisionedNode,
  registries: RegistriesSpec | undefined,
): Promise<void> {
  const dir = registryConfigDir(node);
  const files = registryHostsFiles(registries);
  // Host names are validated (HOST), so they are safe inside the shell's case pattern.
  const keep = [...files.keys()].join(' ');
  // Drop our files for registries the spec no longer names; leave anyone else's alone.
  await ssh.run(
    `cd ${shellQuote(dir)} 2>/dev/null || exit 0; for h in *; do ` +
      `[ -f "$h/hosts.toml" ] && grep -q '^${MARKER}' "$h/hosts.toml" || continue; ` +
      `case " ${keep} " in *" $h "*) ;; *) rm -rf "$h" ;; esac; done`,
  );
  for (const [host, content] of files) {
    await ssh.run(`mkdir -p ${shellQuote(`${dir}/${host}`)}`);
    await ssh.writeFile(`${dir}/${host}/hosts.toml`, `${MARKER}\n${content}`, 0o644);
  }
  // A provider that runs its own containerd (netns) already points config_path at its dir.
  if (files.size > 0 && !node.agent.registryConfigDir) await enableHostsDir(ssh);
}

const SYSTEM_CONTAINERD_CONFIG = '/etc/containerd/config.toml';
const CRI_REGISTRY_TABLE = '[plugins."io.containerd.grpc.v1.cri".registry]';

/**
 * The host's containerd config with `config_path` set to certs.d, or undefined when it needs
 * no change (it sets config_path already) or cannot be changed safely (it has the registry
 * table with other settings: the user's own registry config, which we leave alone).
 */
export function withRegistryConfigPath(existing: string | undefined): string | undefined {
  const section = `${CRI_REGISTRY_TABLE}\n  config_path = "${DEFAULT_REGISTRY_CONFIG_DIR}"\n`;
  if (existing === undefined || existing.trim() === '') return `version = 2\n\n${section}`;
  if (/^\s*config_path\s*=/m.test(existing) || existing.includes(CRI_REGISTRY_TABLE)) return undefined;
  // containerd 1.6 reads version 1 configs with another plugin name: only extend version 2.
  if (!/^\s*version\s*=\s*2\b/m.test(existing)) return undefined;
  return `${existing.trimEnd()}\n\n${section}`;
}

/** Debian's containerd ships without config_path: set it (and restart containerd) once. */
async function enableHostsDir(ssh: SshSession): Promise<void> {
  const read = await ssh.exec(`cat ${SYSTEM_CONTAINERD_CONFIG} 2>/dev/null`);
  const existing = read.code === 0 ? read.stdout : undefined;
  const next = withRegistryConfigPath(existing);
  if (next === undefined) return;
  await ssh.run(`mkdir -p /etc/containerd`);
  await ssh.writeFile(SYSTEM_CONTAINERD_CONFIG, next, 0o644);
  await ssh.run('systemctl restart containerd');
}

const MARKER = '# Written by flotilla from cluster.yaml registries.';
