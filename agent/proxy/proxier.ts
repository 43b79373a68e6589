// kube-proxy's iptables mode (upstream pkg/proxy/iptables Proxier): a sync writes the top-level
// chains plus the chains of the changed services in one atomic iptables-restore. A full sync
// (every service's chains, stale chains found by listing the table) runs first, after any failed
// restore, and every `fullSyncIntervalMs` (proxier-base.ts keeps the services and endpoints).
import { isServiceChain } from './chain-names.ts';
import { missingJumps, parseSave, type Iptables } from './iptables.ts';
import { ProxierBase, type ProxierBaseOptions, type SyncPlan } from './proxier-base.ts';
import { buildRules, type TopLevelRules } from './rules.ts';

export type { SyncResult } from './proxier-base.ts';

export interface ProxierOptions extends ProxierBaseOptions {
  iptables: Iptables;
}

export class Proxier extends ProxierBase {
  /** Per-service chains in the kernel after the last successful sync. */
  private written = new Set<string>();
  /** Each service's rules in the top-level chains after the last successful sync. */
  private topLevel = new Map<string, TopLevelRules>();
  private randomFully: boolean | undefined;

  constructor(private readonly opts: ProxierOptions) {
    super(opts);
  }

  protected async apply({ full, changed, ports }: SyncPlan): Promise<number> {
    const { iptables } = this.opts;
    let stale: Iterable<string> = this.written;
    let jumps: { filter: string[]; nat: string[] } | undefined;
    if (full) {
      // One look at the kernel: our chains left from before (a restart) and missing jumps; the
      // --random-fully probe (first sync only) runs alongside.
      const [save, randomFully] = await Promise.all([
        iptables.save(),
        this.randomFully ?? iptables.supportsRandomFully(),
      ]);
      this.randomFully = randomFully;
      const saved = parseSave(save);
      stale = [...(saved.chains.get('nat') ?? [])].filter(isServiceChain);
      jumps = missingJumps(saved);
    }
    const rules = buildRules(ports, {
      changed: full ? 'all' : changed,
      previousTopLevel: this.topLevel,
      jumps,
      staleChains: stale,
      clusterCIDR: this.opts.clusterCIDR,
      nodePortIPs: this.opts.nodePortIPs?.(),
      randomFully: this.randomFully ?? false,
    });
    await iptables.restore(rules.text);
    this.written = rules.natChains;
    this.topLevel = rules.topLevel;
    return rules.text.length;
  }
}
