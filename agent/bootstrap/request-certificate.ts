// One certificate through the certificates.k8s.io/v1 API, as the kubelet gets its own: a fresh
// key made here (it never leaves the node), a CSR naming a signer, then wait until the
// certificate is issued, the request is denied or fails, or time runs out.
import type { Client, KubeObject, Logger } from '../../api/client/index.ts';
import type { CertificateSigningRequest, KeyUsage } from '../../api/types/index.ts';
import { createCertificateRequest } from './pkcs10.ts';

type CsrObj = CertificateSigningRequest & KubeObject;

export interface CertificateRequestOptions {
  signerName: string;
  usages: KeyUsage[];
  subject: { commonName: string; organizations?: string[] };
  altNames?: { dnsNames: string[]; ips: string[] };
  /** Prefix of the CSR's generated name (`node-csr-` like kubelet's). */
  namePrefix: string;
  /** How long to wait for approval and signing. */
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  logger: Logger;
}

export interface IssuedCredential {
  certPem: string;
  keyPem: string;
  csrName: string;
}

/** Thrown when the request is denied, fails, or is not issued in time; the message says what to do. */
export class CertificateRequestError extends Error {
  override readonly name = 'CertificateRequestError';
}

const conditionOf = (csr: CsrObj, type: string) =>
  csr.status?.conditions?.find((c) => c.type === type && c.status === 'True');

export async function requestCertificate(
  client: Client,
  opts: CertificateRequestOptions,
): Promise<IssuedCredential> {
  const { csrPem, keyPem } = createCertificateRequest(opts.subject, opts.altNames);
  const csrs = client.resource<CsrObj>('certificates.k8s.io/v1', 'CertificateSigningRequest');
  const created = await csrs.create({
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: opts.namePrefix },
    spec: {
      request: Buffer.from(csrPem).toString('base64'),
      signerName: opts.signerName,
      usages: opts.usages,
    },
  });
  const name = created.metadata!.name!;
  const what = `certificate signing request ${name} (${opts.signerName}, ${opts.subject.commonName})`;
  opts.logger.info('waiting for the certificate', { csr: name, signer: opts.signerName });
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const csr = await csrs.get(name, { signal: opts.signal });
    const denied = conditionOf(csr, 'Denied');
    if (denied)
      throw new CertificateRequestError(
        `${what} was denied: ${denied.reason ?? ''} ${denied.message ?? ''}`.trim(),
      );
    const failed = conditionOf(csr, 'Failed');
    if (failed)
      throw new CertificateRequestError(`${what} failed: ${failed.message ?? failed.reason ?? ''}`.trim());
    if (csr.status?.certificate) {
      const certPem = Buffer.from(csr.status.certificate, 'base64').toString('utf8');
      opts.logger.info('certificate issued', { csr: name });
      return { certPem, keyPem, csrName: name };
    }
    if (Date.now() >= deadline) {
      const approved = conditionOf(csr, 'Approved');
      throw new CertificateRequestError(
        approved
          ? `${what} was approved but not signed within ${Math.round(opts.timeoutMs / 1000)} s: is the csrsigning controller running?`
          : `${what} was not approved within ${Math.round(opts.timeoutMs / 1000)} s. It is approved automatically only for the node its bootstrap token was issued for; otherwise run: kubectl certificate approve ${name}`,
      );
    }
    await sleep(Math.min(opts.pollMs ?? 1000, Math.max(0, deadline - Date.now())), opts.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
