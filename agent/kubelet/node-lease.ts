// The node's heartbeat Lease in kube-node-lease (upstream nodelease controller): renewed every
// `renewSeconds`; node lifecycle marks the node NotReady when it goes stale.
import { isAlreadyExists, isNotFound, type Client, type Logger } from '../../api/client/index.ts';
import type { KubeObject } from '../../api/client/index.ts';
import type { Lease } from '../../api/types/lease.ts';
import type { Node } from '../../api/types/node.ts';
import { sleep } from './node-status.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLeaseOptions {
  client: Client;
  node: Node;
  renewSeconds: number;
  logger: Logger;
}

function microTime(): string {
  return new Date().toISOString().replace('Z', '000Z');
}

export async function renewNodeLease({ client, node, renewSeconds }: NodeLeaseOptions): Promise<void> {
  const leases = client
    .resource<Lease & KubeObject>('coordination.k8s.io/v1', 'Lease')
    .namespace(NODE_LEASE_NAMESPACE);
  const name = node.metadata!.name!;
  const spec = { holderIdentity: name, leaseDurationSeconds: renewSeconds * 4, renewTime: microTime() };
  try {
    await leases.patch(name, 'merge', { spec });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await leases.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name,
          namespace: NODE_LEASE_NAMESPACE,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata!.uid! }],
        },
        spec,
      });
    } catch (createErr) {
      if (!isAlreadyExists(createErr)) throw createErr;
    }
  }
}

export async function runNodeLeaseLoop(opts: NodeLeaseOptions, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await renewNodeLease(opts);
    } catch (err) {
      opts.logger.warn('renewing node lease failed', { node: opts.node.metadata?.name, error: String(err) });
    }
    await sleep(opts.renewSeconds * 1000, signal);
  }
}
