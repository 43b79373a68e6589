// The CSR approving controller (upstream pkg/controller/certificates/approver, narrowed to what
// a Flotilla node needs). It approves, through /approval, only:
//  - a kubelet client CSR (CN system:node:<name>, O system:nodes, client usages) made by the
//    bootstrap token issued for that very node name, or by that node itself renewing;
//  - a kubelet serving CSR made by the node itself for addresses its Node object reports.
// Everything else stays Pending for a human (`kubectl certificate approve|deny`): nothing here
// ever denies.
import { isConflict, isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Node } from '../../api/types/index.ts';
import { BOOTSTRAPPERS_GROUP, NODES_GROUP } from '../auth/index.ts';
import type { CertificateRequest } from '../pki/index.ts';
import { NODE_USER_PREFIX } from '../pki/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import {
  approvedCondition,
  CSR_API_VERSION,
  CSR_KIND,
  isDecided,
  KUBELET_CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER,
  parseCsrRequest,
  signerProblems,
  type CsrObj,
} from './csr-util.ts';
import { rfc3339 } from './pod-utils.ts';

type NodeObj = Kube<Node>;

export interface CsrApprovingControllerConfig extends ControllerConfig {
  /**
   * The node name a bootstrap user (`system:bootstrap:<id>`) was issued for, if any
   * (TokenStore.bootstrapTokenNodeName). Without it only renewals by nodes are approved.
   */
  bootstrapTokenNodeName?: (username: string) => string | undefined;
}

/** Why a CSR is not auto-approved (undefined: approve it). Exported for tests. */
export type Verdict = { approve: true; message: string } | { approve: false; reason: string };

export class CsrApprovingController extends QueueController {
  private readonly csrs: SharedIndexInformer<CsrObj>;
  private readonly nodes: SharedIndexInformer<NodeObj>;
  private readonly bootstrapTokenNodeName: (username: string) => string | undefined;

  constructor(config: CsrApprovingControllerConfig) {
    super('csrapproving', config);
    this.bootstrapTokenNodeName = config.bootstrapTokenNodeName ?? (() => undefined);
    this.csrs = this.informers.informerFor<CsrObj>(CSR_API_VERSION, CSR_KIND);
    this.nodes = this.informers.informerFor<NodeObj>('v1', 'Node');
    const consider = (csr: CsrObj) => {
      if (!isDecided(csr)) this.enqueue(csr);
    };
    this.csrs.addEventHandler({ onAdd: consider, onUpdate: (_old, csr) => consider(csr) });
    // A serving CSR can only be judged once its node reports addresses.
    const nodeChanged = (node: NodeObj) => {
      const user = NODE_USER_PREFIX + node.metadata!.name;
      for (const csr of this.csrs.list())
        if (csr.spec?.signerName === KUBELET_SERVING_SIGNER && csr.spec.username === user && !isDecided(csr))
          this.enqueue(csr);
    };
    this.nodes.addEventHandler({ onAdd: nodeChanged, onUpdate: (_old, node) => nodeChanged(node) });
  }

  protected async sync(key: string): Promise<void> {
    const csr = this.csrs.get(key);
    if (!csr || isDecided(csr)) return;
    const verdict = await this.judge(csr);
    if (!verdict.approve) {
      this.logger.info('left for a human to approve or deny', { csr: key, reason: verdict.reason });
      return;
    }
    const condition = approvedCondition('AutoApproved', verdict.message, rfc3339(this.clock.now()));
    const conditions = [...(csr.status?.conditions ?? []), condition];
    try {
      await this.client
        .resource<CsrObj>(CSR_API_VERSION, CSR_KIND)
        .updateSubresource(csr.metadata!.name!, 'approval', {
          ...csr,
          status: { ...csr.status, conditions },
        });
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err)) this.enqueue(key);
      throw err;
    }
    this.logger.info('approved', { csr: key, requestor: csr.spec.username });
  }

  /** The decision on one undecided CSR. */
  async judge(csr: CsrObj): Promise<Verdict> {
    const signer = csr.spec?.signerName;
    if (signer !== KUBELET_CLIENT_SIGNER && signer !== KUBELET_SERVING_SIGNER)
      return { approve: false, reason: `signer ${signer} is never auto-approved` };
    let request: CertificateRequest;
    try {
      request = await parseCsrRequest(csr);
    } catch (err) {
      return { approve: false, reason: (err as Error).message };
    }
    const problems = signerProblems(csr, request);
    if (problems.length > 0) return { approve: false, reason: problems.join('; ') };
    const subject = request.subject.commonName;
    const nodeName = subject.slice(NODE_USER_PREFIX.length);
    const requester = csr.spec.username ?? '';
    const groups = csr.spec.groups ?? [];
    const isNodeItself = requester === subject && groups.includes(NODES_GROUP);
    if (signer === KUBELET_CLIENT_SIGNER) {
      if (isNodeItself)
        return { approve: true, message: `Auto approving self kubelet client certificate of ${subject}.` };
      const bound = groups.includes(BOOTSTRAPPERS_GROUP) ? this.bootstrapTokenNodeName(requester) : undefined;
      if (bound === nodeName)
        return {
          approve: true,
          message: `Auto approving kubelet client certificate: ${requester} is the bootstrap token issued for node ${nodeName}.`,
        };
      return {
        approve: false,
        reason: bound
          ? `${requester} was issued for node ${bound}, not ${nodeName}`
          : `${requester} is neither ${subject} nor a bootstrap token issued for node ${nodeName}`,
      };
    }
    if (!isNodeItself)
      return {
        approve: false,
        reason: `a serving certificate for ${subject} must be asked for by ${subject}`,
      };
    const node = this.nodes.get(nodeName);
    if (!node) return { approve: false, reason: `node ${nodeName} is not registered yet` };
    const addresses = new Set((node.status?.addresses ?? []).map((a) => a.address));
    const foreign = [...request.altNames.ips, ...request.altNames.dnsNames].filter((a) => !addresses.has(a));
    if (foreign.length > 0)
      return { approve: false, reason: `node ${nodeName} does not report ${foreign.join(', ')}` };
    return {
      approve: true,
      message: `Auto approving kubelet serving certificate of ${subject} for its own addresses.`,
    };
  }
}
