// The CSR cleaner (upstream pkg/controller/certificates/cleaner): CertificateSigningRequests are
// requests, not records, so they go once they are settled: an hour after approval, denial or
// failure, a day after creation when nobody decided, and at once when the certificate issued
// for them has expired. Each is a delayed queue entry for the moment it falls due.
import { X509Certificate } from 'node:crypto';
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import { QueueController, type ControllerConfig } from './controller.ts';
import { CSR_API_VERSION, CSR_KIND, type CsrObj } from './csr-util.ts';

export interface CsrCleanerConfig extends ControllerConfig {
  /** After the Approved condition (upstream approvedExpiration). Default one hour. */
  approvedMs?: number;
  /** After the Denied or Failed condition. Default one hour. */
  deniedMs?: number;
  /** After creation, for a request nobody decided on. Default 24 hours. */
  pendingMs?: number;
}

const HOUR = 60 * 60_000;

export class CsrCleaner extends QueueController {
  private readonly csrs: SharedIndexInformer<CsrObj>;
  private readonly approvedMs: number;
  private readonly deniedMs: number;
  private readonly pendingMs: number;

  constructor(config: CsrCleanerConfig) {
    super('csrcleaner', config);
    this.approvedMs = config.approvedMs ?? HOUR;
    this.deniedMs = config.deniedMs ?? HOUR;
    this.pendingMs = config.pendingMs ?? 24 * HOUR;
    for (const [k, v] of Object.entries({
      approvedMs: this.approvedMs,
      deniedMs: this.deniedMs,
      pendingMs: this.pendingMs,
    }))
      if (!Number.isFinite(v) || v < 0)
        throw new Error(`csrcleaner controller: ${k} must be a non-negative number`);
    this.csrs = this.informers.informerFor<CsrObj>(CSR_API_VERSION, CSR_KIND);
    const schedule = (csr: CsrObj) =>
      this.enqueueAfter(csr, Math.max(0, this.deadline(csr) - this.clock.now()));
    this.csrs.addEventHandler({ onAdd: schedule, onUpdate: (_old, csr) => schedule(csr) });
  }

  /** When the request may go (ms since the epoch). */
  deadline(csr: CsrObj): number {
    const conditions = csr.status?.conditions ?? [];
    const at = (type: string) => {
      const c = conditions.find((x) => x.type === type && x.status === 'True');
      return c ? Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '') : undefined;
    };
    const deadlines: number[] = [];
    const settled = (t: number | undefined, ms: number) =>
      t !== undefined && deadlines.push((Number.isFinite(t) ? t : 0) + ms);
    settled(at('Denied'), this.deniedMs);
    settled(at('Failed'), this.deniedMs);
    settled(at('Approved'), this.approvedMs);
    if (deadlines.length === 0)
      deadlines.push((Date.parse(csr.metadata?.creationTimestamp ?? '') || 0) + this.pendingMs);
    const certificate = csr.status?.certificate;
    if (certificate) {
      try {
        deadlines.push(Date.parse(new X509Certificate(Buffer.from(certificate, 'base64')).validTo));
      } catch {
        // Not a certificate we can read: the other deadlines decide.
      }
    }
    return Math.min(...deadlines);
  }

  protected async sync(key: string): Promise<void> {
    const csr = this.csrs.get(key);
    if (!csr) return;
    const left = this.deadline(csr) - this.clock.now();
    if (left > 0) {
      this.enqueueAfter(key, left);
      return;
    }
    try {
      await this.client
        .resource<CsrObj>(CSR_API_VERSION, CSR_KIND)
        .delete(csr.metadata!.name!, { preconditions: { uid: csr.metadata!.uid } });
      this.logger.info('deleted settled certificate signing request', { csr: key });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
