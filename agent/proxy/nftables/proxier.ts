// kube-proxy's nftables mode (upstream pkg/proxy/nftables, KEP-3866): one table of our own,
// `table ip kube-proxy`, written with one `nft -f` transaction per sync. A full sync rewrites
// the table (first sync, after a failure, every `fullSyncIntervalMs`); a partial sync touches
// only the changed services' chains and map elements. Nothing outside our table is touched.
import { ProxierBase, type ProxierBaseOptions, type SyncPlan } from '../proxier-base.ts';
import type { ProxyServicePort } from '../service-ports.ts';
import { isServiceObject } from './names.ts';
import type { Nft } from './nft.ts';
import { serviceObjects, type ServiceObjects } from './service-objects.ts';
import { fullSyncPieces, leftoverDeletes, partialSyncText } from './transaction.ts';

export interface NftablesProxierOptions extends ProxierBaseOptions {
  nft: Nft;
  /** From this many services on, a full sync is handed to nft while it is being built (default 2,000). */
  streamFromServices?: number;
}

type KernelObjects = { chains: string[]; sets: string[] };

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  const all: string[] = [];
  for await (const piece of pieces) all.push(piece);
  return all.join('');
}

export class NftablesProxier extends ProxierBase {
  private writtenNodePortIPs: string | undefined;
  /**
   * Our chains and sets as the kernel has them, for the next full sync to delete those no service
   * uses: looked up when the proxier is made (an earlier run may have left some; the lookup runs
   * while the informers fill their caches) and again after a failed sync.
   */
  private kernelObjects: Promise<KernelObjects> | undefined;

  constructor(private readonly opts: NftablesProxierOptions) {
    super(opts);
    this.kernelObjects = this.lookAtKernel();
  }

  private lookAtKernel(): Promise<KernelObjects> {
    const listing = this.opts.nft.listObjects();
    listing.catch(() => {}); // awaited by the next full sync
    return listing;
  }

  protected async apply(plan: SyncPlan): Promise<number> {
    try {
      return await (plan.full ? this.fullSync(plan) : this.partialSync(plan));
    } catch (err) {
      // The kernel may hold part of a sync, or something we did not expect: look again.
      this.kernelObjects ??= this.lookAtKernel();
      throw err;
    }
  }

  /**
   * A service's objects, built again from its ports whenever needed (also what the last sync
   * wrote, from the ports it programmed): keeping them for 10,000 services costs more memory
   * and garbage collection than building the few a partial sync needs.
   */
  private objectsOf(ports: readonly ProxyServicePort[] | undefined): ServiceObjects | undefined {
    return ports ? serviceObjects(ports, { clusterCIDR: this.opts.clusterCIDR }) : undefined;
  }

  private async fullSync({ changed, next, previous }: SyncPlan): Promise<number> {
    const nodePortIPs = this.opts.nodePortIPs?.();
    const listing = this.kernelObjects;
    this.kernelObjects = undefined;
    // Names of what may have gone: the changed services' (or, with the kernel's list, everyone's).
    const used = { chains: new Map<string, true>(), sets: new Map<string, true>() };
    const services = function* (this: NftablesProxier) {
      for (const [key, ports] of next) {
        const objects = this.objectsOf(ports)!;
        if (listing || changed.has(key)) {
          for (const { name } of objects.chains) used.chains.set(name, true);
          for (const { name } of objects.sets) used.sets.set(name, true);
        }
        yield objects;
      }
    }.call(this);
    let bytes = 0;
    const pieces = async function* (this: NftablesProxier) {
      // nft parses each piece while the next is built, instead of waiting for all of them.
      for (const piece of fullSyncPieces({ services, nodePortIPs, serviceCIDR: this.opts.serviceCIDR })) {
        bytes += piece.length;
        yield piece;
      }
      const deletes = leftoverDeletes(...this.leftovers(previous, listing && (await listing)), used);
      bytes += deletes.length;
      yield deletes;
    }.call(this);
    // Streaming costs two more processes (sh, cat) and pays off only when there is much to parse.
    const stream = next.size >= (this.opts.streamFromServices ?? 2000);
    await this.opts.nft.apply(stream ? pieces : await joined(pieces));
    this.writtenNodePortIPs = nodePortIPs?.join(',');
    return bytes;
  }

  /**
   * Chains and sets a full sync may have to delete: what the kernel has of ours, if it was asked
   * (the next sync after that is always a full one, so the answer is current), or else what the
   * changed services had before.
   */
  private leftovers(
    previous: SyncPlan['previous'],
    inKernel: KernelObjects | undefined,
  ): [chains: string[], sets: string[]] {
    if (inKernel) return [inKernel.chains.filter(isServiceObject), inKernel.sets.filter(isServiceObject)];
    const chains: string[] = [];
    const sets: string[] = [];
    for (const ports of previous.values()) {
      const old = this.objectsOf(ports);
      for (const { name } of old?.chains ?? []) chains.push(name);
      for (const { name } of old?.sets ?? []) sets.push(name);
    }
    return [chains, sets];
  }

  private async partialSync({ changed, next, previous }: SyncPlan): Promise<number> {
    const nodePortIPs = this.opts.nodePortIPs?.();
    const nodePortKey = nodePortIPs?.join(',');
    const text = partialSyncText({
      changes: [...changed].map((key) => ({
        before: this.objectsOf(previous.get(key)),
        after: this.objectsOf(next.get(key)),
      })),
      nodePortIPs: nodePortKey !== this.writtenNodePortIPs ? (nodePortIPs ?? []) : undefined,
    });
    await this.opts.nft.apply(text);
    this.writtenNodePortIPs = nodePortKey;
    return text.length;
  }
}
