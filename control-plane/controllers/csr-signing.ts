// The CSR signing controller (upstream pkg/controller/certificates/signer): issues the
// certificate of every approved CertificateSigningRequest for the signers we serve
// (kube-apiserver-client-kubelet, kubelet-serving, kube-apiserver-client) with the cluster CA.
// A request that does not fit its signer gets a Failed condition instead, never a certificate.
// Without a CA in its config the controller signs nothing (tests that run every controller).
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { CertificateAuthority } from '../pki/index.ts';
import { signCertificateRequest } from '../pki/index.ts';
import { QueueController, type ControllerConfig } from './controller.ts';
import {
  CSR_API_VERSION,
  CSR_KIND,
  isApproved,
  isFinished,
  parseCsrRequest,
  signerProblems,
  signerUsage,
  type CsrObj,
} from './csr-util.ts';
import { rfc3339 } from './pod-utils.ts';

/** kube-controller-manager's --cluster-signing-duration default. */
export const DEFAULT_SIGNING_DURATION_SECONDS = 365 * 24 * 3600;

export interface CsrSigningControllerConfig extends ControllerConfig {
  /** The cluster CA; without it nothing is signed. */
  authority?: CertificateAuthority;
  /** Longest validity handed out; a CSR's spec.expirationSeconds may only shorten it. */
  maxDurationSeconds?: number;
}

export class CsrSigningController extends QueueController {
  private readonly csrs: SharedIndexInformer<CsrObj>;
  private readonly authority?: CertificateAuthority;
  private readonly maxDurationSeconds: number;

  constructor(config: CsrSigningControllerConfig) {
    super('csrsigning', config);
    this.authority = config.authority;
    this.maxDurationSeconds = config.maxDurationSeconds ?? DEFAULT_SIGNING_DURATION_SECONDS;
    if (!Number.isFinite(this.maxDurationSeconds) || this.maxDurationSeconds < 600)
      throw new Error('csrsigning controller: maxDurationSeconds must be at least 600');
    this.csrs = this.informers.informerFor<CsrObj>(CSR_API_VERSION, CSR_KIND);
    const consider = (csr: CsrObj) => {
      if (this.authority && isApproved(csr) && !isFinished(csr) && signerUsage(csr.spec?.signerName))
        this.enqueue(csr);
    };
    this.csrs.addEventHandler({ onAdd: consider, onUpdate: (_old, csr) => consider(csr) });
  }

  protected async sync(key: string): Promise<void> {
    const csr = this.csrs.get(key);
    const usage = signerUsage(csr?.spec?.signerName);
    if (!csr || !this.authority || !usage || !isApproved(csr) || isFinished(csr)) return;
    let problems: string[];
    let certificate: string | undefined;
    try {
      const request = await parseCsrRequest(csr);
      problems = signerProblems(csr, request);
      if (problems.length === 0) {
        const certPem = await signCertificateRequest(this.authority, request, {
          usages: [usage],
          validityDays: this.durationSeconds(csr) / 86_400,
          now: new Date(this.clock.now()),
        });
        certificate = Buffer.from(certPem).toString('base64');
      }
    } catch (err) {
      problems = [(err as Error).message];
    }
    const status = { ...csr.status };
    if (certificate) status.certificate = certificate;
    else {
      const now = rfc3339(this.clock.now());
      status.conditions = [
        ...(status.conditions ?? []),
        {
          type: 'Failed',
          status: 'True',
          reason: 'SignerValidationFailure',
          message: problems.join('; '),
          lastUpdateTime: now,
          lastTransitionTime: now,
        },
      ];
    }
    try {
      await this.client.resource<CsrObj>(CSR_API_VERSION, CSR_KIND).updateStatus({ ...csr, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return;
    }
    if (certificate) this.logger.info('signed', { csr: key, signer: csr.spec.signerName });
    else this.logger.warn('refused to sign', { csr: key, reason: problems.join('; ') });
  }

  private durationSeconds(csr: CsrObj): number {
    const asked = csr.spec?.expirationSeconds;
    return typeof asked === 'number' && asked >= 600
      ? Math.min(asked, this.maxDurationSeconds)
      : this.maxDurationSeconds;
  }
}
