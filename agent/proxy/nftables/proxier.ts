// kube-proxy's nftables mode (upstream pkg/proxy/nftables, KEP-3866): one table of our own,
// `table ip kube-proxy`, written with one `nft -f -` transaction per sync. A full sync rewrites
// the table (first sync, after a failure, every `fullSyncIntervalMs`); a partial sync touches
// only the changed services' chains and map elements. Nothing outside our table is touched.
import { ProxierBase, type ProxierBaseOptions, type SyncPlan } from '../proxier-base.ts';
import { isServiceObject } from './names.ts';
import type { Nft } from './nft.ts';
import { serviceObjects, type ServiceObjects } from './service-objects.ts';
import { fullSyncText, leftoverDeletes, partialSyncText } from './transaction.ts';

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
      // One look at the kernel for our chains and sets left from before (a restart), while the
      // rules are built; what it finds is deleted at the end of the same transaction.
      const listing = this.opts.nft.listObjects();
      listing.catch(() => {}); // awaited below; not unhandled while the rules are built
      text = fullSyncText({ services: written.values(), nodePortIPs });
      const existing = await listing;
      const leftChains = existing.chains.filter(isServiceObject);
      const leftSets = existing.sets.filter(isServiceObject);
      if (leftChains.length > 0 || leftSets.length > 0) {
        const used = { chains: new Map<string, true>(), sets: new Map<string, true>() };
        for (const objects of written.values()) {
          for (const name of objects.chains.keys()) used.chains.set(name, true);
          for (const name of objects.sets.keys()) used.sets.set(name, true);
        }
        text += leftoverDeletes(leftChains, leftSets, used);
      }
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
