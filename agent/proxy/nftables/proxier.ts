// kube-proxy's nftables mode (upstream pkg/proxy/nftables, KEP-3866): one table of our own,
// `table ip kube-proxy`, written with one `nft -f -` transaction per sync. A full sync rewrites
// the table (first sync, after a failure, every `fullSyncIntervalMs`); a partial sync touches
// only the changed services' chains and map elements. Nothing outside our table is touched.
import { ProxierBase, type ProxierBaseOptions, type SyncPlan } from '../proxier-base.ts';
import { isServiceObject } from './names.ts';
import type { Nft } from './nft.ts';
import { serviceObjects, type ServiceObjects } from './service-objects.ts';
import { fullSyncText, partialSyncText } from './transaction.ts';

export interface NftablesProxierOptions extends ProxierBaseOptions {
  nft: Nft;
}

export class NftablesProxier extends ProxierBase {
  /** What the last successful sync wrote, per service. */
  private written = new Map<string, ServiceObjects>();
  private writtenNodePortIPs: string | undefined;

  constructor(private readonly opts: NftablesProxierOptions) {
    super(opts);
  }

  protected async apply({ full, changed, next }: SyncPlan): Promise<number> {
    const objectsOf = (key: string) => {
      const ports = next.get(key);
      return ports ? serviceObjects(ports, { clusterCIDR: this.opts.clusterCIDR }) : undefined;
    };
    const nodePortIPs = this.opts.nodePortIPs?.();
    const nodePortKey = nodePortIPs?.join(',');
    let text: string;
    let written: Map<string, ServiceObjects>;
    if (full) {
      written = new Map();
      // Unchanged services keep the objects the last sync built (the periodic full sync).
      for (const key of next.keys())
        written.set(key, (!changed.has(key) && this.written.get(key)) || objectsOf(key)!);
      // One look at the kernel: our chains and sets left from before (a restart).
      const existing = await this.opts.nft.listObjects();
      text = fullSyncText({
        services: written.values(),
        nodePortIPs,
        existingChains: existing.chains.filter(isServiceObject),
        existingSets: existing.sets.filter(isServiceObject),
      });
    } else {
      written = new Map(this.written);
      const changes = [];
      for (const key of changed) {
        const after = objectsOf(key);
        changes.push({ before: this.written.get(key), after });
        if (after) written.set(key, after);
        else written.delete(key);
      }
      text = partialSyncText({
        changes,
        nodePortIPs: nodePortKey !== this.writtenNodePortIPs ? (nodePortIPs ?? []) : undefined,
      });
    }
    await this.opts.nft.apply(text);
    this.written = written;
    this.writtenNodePortIPs = nodePortKey;
    return text.length;
  }
}
