// The node IPAM controller (upstream pkg/controller/nodeipam, range allocator): every node gets
// spec.podCIDR (and podCIDRs) from the cluster CIDR, a /24 of 10.244.0.0/16 by default; the
// subnet returns to the pool when the node is deleted. Subnets nodes already have are taken
// from the cache before anything is handed out, so a restart never hands one out twice.
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Node } from '../../api/types/index.ts';
import { CidrSet } from './cidr-set.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';

type NodeObj = Kube<Node>;

export interface NodeIpamControllerConfig extends ControllerConfig {
  /** --cluster-cidr. Default 10.244.0.0/16. */
  clusterCIDR?: string;
  /** --node-cidr-mask-size. Default 24. */
  nodeCIDRMaskSize?: number;
}

export class NodeIpamController extends QueueController {
  readonly cidrs: CidrSet;
  private readonly nodes: SharedIndexInformer<NodeObj>;

  constructor(config: NodeIpamControllerConfig) {
    super('nodeipam', config);
    this.cidrs = new CidrSet(config.clusterCIDR ?? '10.244.0.0/16', config.nodeCIDRMaskSize ?? 24);
    this.nodes = this.informers.informerFor<NodeObj>('v1', 'Node');
    const seen = (node: NodeObj) => {
      const cidr = node.spec?.podCIDR;
      if (cidr) this.cidrs.occupy(cidr);
      else this.enqueue(node.metadata!.name!);
    };
    this.nodes.addEventHandler({
      onAdd: seen,
      onUpdate: (_old, node) => seen(node),
      onDelete: (node) => {
        if (node.spec?.podCIDR) this.cidrs.release(node.spec.podCIDR);
      },
    });
  }

  protected async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || node.spec?.podCIDR || node.metadata?.deletionTimestamp) return;
    const cidr = this.cidrs.allocateNext();
    if (!cidr) {
      this.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      throw new Error(`no pod CIDR left in ${this.cidrs.capacity} subnets for node ${name}`);
    }
    try {
      await this.client.resource('v1', 'Node').patch(name, 'merge', {
        metadata: { uid: node.metadata?.uid },
        spec: { podCIDR: cidr, podCIDRs: [cidr] },
      });
      this.logger.info('assigned pod CIDR', { node: name, podCIDR: cidr });
    } catch (err) {
      this.cidrs.release(cidr);
      if (isNotFound(err)) return;
      throw err;
    }
  }
}
