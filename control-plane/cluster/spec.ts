// cluster.yaml: what the user asked for when creating the cluster, plus the API port chosen
// then (kept, so the kubeconfig stays valid across stop and start).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { registriesProblems, type RegistriesSpec } from '../provision/install/registry-config.ts';
import type { ProviderName } from '../provision/provider.ts';

export interface ClusterSpec {
  name: string;
  provider: ProviderName | string;
  /** Worker nodes to create. */
  nodes: number;
  cpus?: number;
  /** MiB as a number, or a quantity such as "2Gi" / "2048M". */
  memory?: number | string;
  diskGiB?: number;
  /** HTTPS port of the API server on 127.0.0.1 and the nodes' address; 0 or absent: a free one. */
  port?: number;
  /** Provider-specific settings passed to every node (ssh: hosts ...). */
  options?: Record<string, unknown>;
  /** Registry mirrors (`{"docker.io": ["http://10.0.0.1:5000"]}`) and insecure registries, on every node. */
  registries?: RegistriesSpec;
  /** kube-proxy's mode on every node (agent/proxy, docs/kube-proxy.md); default iptables. */
  proxyMode?: 'iptables' | 'nftables';
  [key: string]: unknown;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** Problems with a spec, worded for the user; empty when it is fine. */
export function specProblems(spec: Partial<ClusterSpec>): string[] {
  const problems: string[] = [];
  if (typeof spec.name !== 'string' || !NAME.test(spec.name))
    problems.push(
      'name: lowercase letters, digits and dashes (at most 32), starting and ending with a letter or digit',
    );
  if (typeof spec.provider !== 'string' || !spec.provider) problems.push('provider: choose one');
  if (typeof spec.nodes !== 'number' || !Number.isInteger(spec.nodes) || spec.nodes < 1 || spec.nodes > 50)
    problems.push('nodes: a whole number from 1 to 50');
  if (spec.memory !== undefined && memoryMiB(spec.memory) === undefined)
    problems.push('memory: MiB, or a quantity such as 2Gi');
  problems.push(...registriesProblems(spec.registries));
  if (spec.proxyMode !== undefined && spec.proxyMode !== 'iptables' && spec.proxyMode !== 'nftables')
    problems.push(`proxyMode: iptables or nftables, not ${JSON.stringify(spec.proxyMode)}`);
  return problems;
}

/** "2Gi", "2048Mi", "2G", 2048 -> MiB. */
export function memoryMiB(memory: number | string | undefined, fallback = 2048): number | undefined {
  if (memory === undefined) return fallback;
  if (typeof memory === 'number') return memory > 0 ? memory : undefined;
  const m = /^(\d+)\s*(Mi|M|Gi|G)?B?$/i.exec(memory.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? 'Mi').toLowerCase();
  return unit.startsWith('g') ? value * 1024 : value;
}

export function readSpec(file: string): ClusterSpec {
  if (!existsSync(file)) throw new Error(`no cluster here: ${file} is missing`);
  return parse(readFileSync(file, 'utf8')) as ClusterSpec;
}

export function writeSpec(file: string, spec: ClusterSpec): void {
  writeFileSync(file, `# Written by flotilla cluster create.\n${stringify(spec)}`, { mode: 0o600 });
}
