// The few iptables commands kube-proxy needs: the jump rules from the built-in chains into
// ours (added once, never duplicated, upstream's iptablesJumpChains), one atomic
// iptables-restore --noflush per sync, and the list of chains a table has (after a restart).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import {
  KUBE_EXTERNAL_SERVICES,
  KUBE_FORWARD,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
} from './rules.ts';

const execPlain = promisify(execFile);
const execIn = (netns: string, cmd: string, args: string[], o: { maxBuffer?: number }) =>
  execPlain('nsenter', [`--net=/run/netns/${netns}`, cmd, ...args], o);

interface Jump {
  table: 'filter' | 'nat';
  chain: string;
  from: string;
  comment: string;
  extra: string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** Upstream's jumps, in its order; each is inserted at the top of its built-in chain. */
export const JUMPS: Jump[] = [
  {
    table: 'filter',
    chain: KUBE_EXTERNAL_SERVICES,
    from: 'INPUT',
    comment: 'kubernetes externally-visible service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    chain: KUBE_EXTERNAL_SERVICES,
    from: 'FORWARD',
    comment: 'kubernetes externally-visible service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    chain: KUBE_NODEPORTS,
    from: 'INPUT',
    comment: 'kubernetes health check service ports',
    extra: [],
  },
  {
    table: 'filter',
    chain: KUBE_SERVICES,
    from: 'FORWARD',
    comment: 'kubernetes service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    chain: KUBE_SERVICES,
    from: 'OUTPUT',
    comment: 'kubernetes service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    chain: KUBE_FORWARD,
    from: 'FORWARD',
    comment: 'kubernetes forwarding rules',
    extra: [],
  },
  {
    table: 'filter',
    chain: KUBE_PROXY_FIREWALL,
    from: 'INPUT',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  {
    table: 'filter',
    chain: KUBE_PROXY_FIREWALL,
    from: 'OUTPUT',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  {
    table: 'filter',
    chain: KUBE_PROXY_FIREWALL,
    from: 'FORWARD',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  { table: 'nat', chain: KUBE_SERVICES, from: 'OUTPUT', comment: 'kubernetes service portals', extra: [] },
  {
    table: 'nat',
    chain: KUBE_SERVICES,
    from: 'PREROUTING',
    comment: 'kubernetes service portals',
    extra: [],
  },
  {
    table: 'nat',
    chain: KUBE_POSTROUTING,
    from: 'POSTROUTING',
    comment: 'kubernetes postrouting rules',
    extra: [],
  },
];

export interface Iptables {
  /** Apply restore input atomically without touching chains it does not name. */
  restore(text: string): Promise<void>;
  /** `iptables-save` of the filter and nat tables. */
  save(): Promise<string>;
  /** Whether MASQUERADE --random-fully works here. */
  supportsRandomFully(): Promise<boolean>;
}

/** Chains and rules per table, from iptables-save output. */
export interface SavedTables {
  chains: Map<string, Set<string>>;
  rules: Map<string, Set<string>>;
}

export function parseSave(text: string): SavedTables {
  const chains = new Map<string, Set<string>>();
  const rules = new Map<string, Set<string>>();
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1);
      chains.set(table, new Set());
      rules.set(table, new Set());
    } else if (line.startsWith(':')) chains.get(table)?.add(line.slice(1, line.indexOf(' ')));
    else if (line.startsWith('-A ')) rules.get(table)?.add(line);
  }
  return { chains, rules };
}

/**
 * The jumps from the built-in chains that are missing, as restore lines per table (inserted at
 * the top, like upstream's EnsureRule with Prepend). Checked against iptables-save's spelling of
 * the same rule, so an existing jump is never added twice.
 */
export function missingJumps(saved: SavedTables): { filter: string[]; nat: string[] } {
  const out = { filter: [] as string[], nat: [] as string[] };
  for (const j of JUMPS) {
    const spec = `-m comment --comment "${j.comment}"${j.extra.length ? ` ${j.extra.join(' ')}` : ''} -j ${j.chain}`;
    if (saved.rules.get(j.table)?.has(`-A ${j.from} ${spec}`)) continue;
    out[j.table].push(`-I ${j.from} 1 ${spec}`);
  }
  return out;
}

/** Asks iptables whether it knows MASQUERADE --random-fully, by checking for such a rule. */
export const RANDOM_FULLY_PROBE = [
  'iptables',
  '-w',
  '-t',
  'nat',
  '-C',
  'POSTROUTING',
  '-j',
  'MASQUERADE',
  '--random-fully',
];

/**
 * The probe's answer: it succeeds when the rule exists, and otherwise fails with "does a matching
 * rule exist" or "Bad rule" only when the option parsed (only the rule's absence was reported).
 */
export function probeSaysRandomFully(succeeded: boolean, stderr: string): boolean {
  return succeeded || /does a matching rule exist|Bad rule/i.test(stderr);
}

/**
 * Runs the iptables binaries on PATH, in the current network namespace or, for tests and
 * benchmarks, in the named one (`ip netns` name).
 */
export function systemIptables(opts: { netns?: string } = {}): Iptables {
  let randomFully: Promise<boolean> | undefined;
  const exec = (cmd: string, args: string[], o: { maxBuffer?: number } = {}) =>
    opts.netns ? execIn(opts.netns, cmd, args, o) : execPlain(cmd, args, o);
  return {
    restore: (text) => restoreIn(opts.netns, text),
    async save() {
      // One run for both tables: with the nf_tables backend each run reads the whole ruleset.
      const { stdout } = await exec('iptables-save', [], { maxBuffer: 1 << 30 });
      return stdout;
    },
    supportsRandomFully() {
      const [cmd, ...args] = RANDOM_FULLY_PROBE;
      return (randomFully ??= exec(cmd!, args).then(
        () => true,
        (err: { stderr?: string }) => probeSaysRandomFully(false, err.stderr ?? ''),
      ));
    },
  };
}

function restoreIn(netns: string | undefined, text: string): Promise<void> {
  const args = ['-w', '--noflush', '--counters'];
  const stdio = ['pipe', 'ignore', 'pipe'] as const;
  return new Promise((resolve, reject) => {
    const child = netns
      ? spawn('nsenter', [`--net=/run/netns/${netns}`, 'iptables-restore', ...args], { stdio: [...stdio] })
      : spawn('iptables-restore', args, { stdio: [...stdio] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`iptables-restore failed (exit ${code}): ${stderr.trim()}`)),
    );
    child.stdin.end(text);
  });
}
