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
  /** Chain names in a table. */
  chains(table: 'filter' | 'nat'): Promise<Set<string>>;
  /** Create our top-level chains and jump to them from the built-in chains, where missing. */
  ensureJumps(): Promise<void>;
  /** Whether MASQUERADE --random-fully works here. */
  supportsRandomFully(): Promise<boolean>;
}

/**
 * Runs the iptables binaries on PATH, in the current network namespace or, for tests and
 * benchmarks, in the named one (`ip netns` name).
 */
export function systemIptables(opts: { netns?: string } = {}): Iptables {
  let randomFully: Promise<boolean> | undefined;
  const exec = (cmd: string, args: string[], o: { maxBuffer?: number } = {}) =>
    opts.netns ? execIn(opts.netns, cmd, args, o) : execPlain(cmd, args, o);
  const restore = (text: string) => restoreIn(opts.netns, text);
  return {
    restore: (text) => restore(text),
    async chains(table) {
      const { stdout } = await exec('iptables-save', ['-t', table], { maxBuffer: 1 << 30 });
      const found = new Set<string>();
      for (const line of stdout.split('\n'))
        if (line.startsWith(':')) found.add(line.slice(1, line.indexOf(' ')));
      return found;
    },
    async ensureJumps() {
      const tables = new Map<string, Set<string>>();
      for (const j of JUMPS) {
        const chains = tables.get(j.table) ?? new Set<string>();
        chains.add(j.chain);
        tables.set(j.table, chains);
      }
      // Creating the chains goes through restore: one process, and it flushes nothing (--noflush
      // with no chain line for them would not create them, so only missing ones are named).
      const lines: string[] = [];
      for (const [table, wanted] of tables) {
        const have = await this.chains(table as 'filter' | 'nat');
        lines.push(
          `*${table}`,
          ...[...wanted].filter((c) => !have.has(c)).map((c) => `:${c} - [0:0]`),
          'COMMIT',
        );
      }
      await restore(lines.join('\n') + '\n');
      for (const j of JUMPS) {
        const rule = [j.from, '-m', 'comment', '--comment', j.comment, ...j.extra, '-j', j.chain];
        const present = await exec('iptables', ['-w', '-t', j.table, '-C', ...rule]).then(
          () => true,
          () => false,
        );
        if (!present) await exec('iptables', ['-w', '-t', j.table, '-I', ...rule]);
      }
    },
    supportsRandomFully() {
      return (randomFully ??= exec('iptables', [
        '-w',
        '-t',
        'nat',
        '-C',
        'POSTROUTING',
        '-j',
        'MASQUERADE',
        '--random-fully',
      ]).then(
        () => true,
        // "Bad rule" means the option parsed: only its absence was reported.
        (err: { stderr?: string }) => /does a matching rule exist|Bad rule/i.test(err.stderr ?? ''),
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
