// What the CSR approver and signer share: the signer names we serve, condition checks, and the
// per-signer rules on usages and subject (upstream pkg/apis/certificates/v1 helpers and
// pkg/controller/certificates/signer's isKubeletServing/isKubeletClient/isKubeAPIServerClient).
import type { CertificateSigningRequest } from '../../api/types/index.ts';
import {
  NODE_USER_PREFIX,
  NODES_GROUP,
  readCertificateRequest,
  type CertificateRequest,
  type CertificateUsage,
} from '../pki/index.ts';
import type { Kube } from './controller.ts';

export type CsrObj = Kube<CertificateSigningRequest>;

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
export const API_SERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';

export const CSR_API_VERSION = 'certificates.k8s.io/v1';
export const CSR_KIND = 'CertificateSigningRequest';

export function hasCondition(csr: CsrObj, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export const isApproved = (csr: CsrObj) => hasCondition(csr, 'Approved') && !hasCondition(csr, 'Denied');
export const isDecided = (csr: CsrObj) => hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied');
export const isFinished = (csr: CsrObj) =>
  hasCondition(csr, 'Denied') || hasCondition(csr, 'Failed') || !!csr.status?.certificate;

/** The parsed (and signature-checked) PKCS#10 request of a CSR object. */
export function parseCsrRequest(csr: CsrObj): Promise<CertificateRequest> {
  return readCertificateRequest(Buffer.from(csr.spec?.request ?? '', 'base64'));
}

interface SignerRules {
  /** Usages allowed; `required` must be among them. */
  allowed: string[];
  required: string;
  /** The certificate's extended key usage. */
  usage: CertificateUsage;
  /** Subject checks beyond the usages. */
  subject(req: CertificateRequest): string[];
}

const nodeSubject = (req: CertificateRequest): string[] => {
  const problems: string[] = [];
  const { commonName, organizations = [] } = req.subject;
  if (!commonName.startsWith(NODE_USER_PREFIX) || commonName === NODE_USER_PREFIX)
    problems.push(`subject common name must begin with "${NODE_USER_PREFIX}"`);
  if (organizations.length !== 1 || organizations[0] !== NODES_GROUP)
    problems.push(`subject organization must be exactly ["${NODES_GROUP}"]`);
  return problems;
};

const signers: Record<string, SignerRules> = {
  [KUBELET_CLIENT_SIGNER]: {
    allowed: ['key encipherment', 'digital signature', 'client auth'],
    required: 'client auth',
    usage: 'client',
    subject: (req) => [
      ...nodeSubject(req),
      ...(req.altNames.dnsNames.length + req.altNames.ips.length > 0
        ? ['DNS and IP subjectAltNames are not allowed']
        : []),
    ],
  },
  [KUBELET_SERVING_SIGNER]: {
    allowed: ['key encipherment', 'digital signature', 'server auth'],
    required: 'server auth',
    usage: 'server',
    subject: (req) => [
      ...nodeSubject(req),
      ...(req.altNames.dnsNames.length + req.altNames.ips.length === 0
        ? ['at least one DNS or IP subjectAltName is required']
        : []),
    ],
  },
  [API_SERVER_CLIENT_SIGNER]: {
    allowed: ['key encipherment', 'digital signature', 'client auth'],
    required: 'client auth',
    usage: 'client',
    subject: (req) => (req.subject.commonName ? [] : ['subject common name is required']),
  },
};

export const servedSignerNames = Object.keys(signers);

/** The extended key usage the signer puts in the certificate, or undefined for signers not ours. */
export function signerUsage(signerName: string | undefined): CertificateUsage | undefined {
  return signerName ? signers[signerName]?.usage : undefined;
}

/** Why a request does not fit its signer (empty when it does, or when the signer is not ours). */
export function signerProblems(csr: CsrObj, req: CertificateRequest): string[] {
  const rules = signers[csr.spec?.signerName ?? ''];
  if (!rules) return [];
  const usages = csr.spec?.usages ?? [];
  const problems: string[] = [];
  const bad = usages.filter((u) => !rules.allowed.includes(u));
  if (bad.length > 0) problems.push(`usages not allowed for ${csr.spec.signerName}: ${bad.join(', ')}`);
  if (!usages.includes(rules.required as never)) problems.push(`usages must include "${rules.required}"`);
  return [...problems, ...rules.subject(req)];
}

/** The Approved condition an approver adds (through /approval). */
export function approvedCondition(reason: string, message: string, now: string) {
  return { type: 'Approved', status: 'True', reason, message, lastUpdateTime: now, lastTransitionTime: now };
}
