// The cluster's PKI directory (<dataDir>/pki), in kubeadm's layout: ca.crt/ca.key, then one
// <name>.crt/<name>.key pair per certificate. Everything is loaded when present; the CA is never
// replaced (every credential in the cluster chains to it), while leaf certificates are reissued
// when they expire soon, lack a wanted SAN, no longer match their key or were signed by another CA.
import { createPrivateKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import { altNamesFrom, altNamesOf, LOOPBACK_ALT_NAMES, missingAltNames, type AltNames } from './alt-names.ts';
import {
  createCertificateAuthority,
  loadCertificateAuthority,
  type CertificateAuthority,
} from './authority.ts';
import {
  createFileExclusive,
  ensurePrivateDir,
  PRIVATE_MODE,
  readTextIfExists,
  writePrivateFile,
  writePublicFile,
} from './files.ts';
import {
  issueClientCertificate,
  issueServingCertificate,
  type CertificateUsage,
  type IssuedCertificate,
} from './issue.ts';
import { sameSubject, type CertificateSubject } from './subject.ts';
import { DAY_MS } from './validity.ts';
import { verifyCertificate } from './verify.ts';
import { x509 } from './x509.ts';

/** The in-cluster names of the API server (the `kubernetes` Service in `default`). */
export const API_SERVER_DNS_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** Who the API server is to kubelets: the name kubelets let in, and superuser rights (kubeadm's). */
export const KUBELET_CLIENT_SUBJECT: CertificateSubject = {
  commonName: 'kube-apiserver-kubelet-client',
  organizations: ['system:masters'],
};

/** How long to wait for the other half of a CA another caller is creating. */
const CA_PAIR_WAIT_MS = 2000;

/** Leaf certificates are reissued this long before they expire. */
export const RENEW_BEFORE_DAYS = 30;

export interface ClusterPkiOptions {
  /** Extra DNS names and IPs for the API server certificate (node-facing IPs, the service ClusterIP...). */
  sans?: string[];
  now?: Date;
}

export interface ClusterPki {
  dir: string;
  authority: CertificateAuthority;
  /** CA certificate PEM: trust anchor for clients and for verifying client certificates. */
  ca: string;
  /** API server serving certificate and key PEMs. */
  cert: string;
  key: string;
  /** Why the serving certificate was (re)issued by this call, if it was (for a log line). */
  servingIssuedBecause?: string;
  /** The SANs the serving certificate carries. */
  altNames: AltNames;
  /** The API server's client certificate towards kubelets (logs, exec...): kubeadm's apiserver-kubelet-client. */
  kubeletClient: { cert: string; key: string };
}

export interface EnsuredCertificate extends IssuedCertificate {
  /** Set when the files were (re)written this time: 'missing', 'expires soon', 'lacks IP:10.96.0.1'... */
  issuedBecause?: string;
}

export const pkiPaths = (dir: string, name: string) => ({
  cert: join(dir, `${name}.crt`),
  key: join(dir, `${name}.key`),
});

/** Loads or creates the CA, and loads or (re)issues the API server's serving certificate. */
export async function ensureClusterPki(dir: string, opts: ClusterPkiOptions = {}): Promise<ClusterPki> {
  const authority = await ensureCertificateAuthority(dir, opts.now);
  const altNames = altNamesFrom(LOOPBACK_ALT_NAMES, API_SERVER_DNS_NAMES, opts.sans);
  const serving = await ensureServingCertificate(dir, 'apiserver', authority, { altNames, now: opts.now });
  const kubeletClient = await ensureClientCertificate(
    dir,
    'apiserver-kubelet-client',
    authority,
    KUBELET_CLIENT_SUBJECT,
    {
      now: opts.now,
    },
  );
  return {
    dir,
    authority,
    ca: authority.certPem,
    cert: serving.certPem,
    key: serving.keyPem,
    servingIssuedBecause: serving.issuedBecause,
    altNames,
    kubeletClient: { cert: kubeletClient.certPem, key: kubeletClient.keyPem },
  };
}

export async function ensureCertificateAuthority(
  dir: string,
  now = new Date(),
): Promise<CertificateAuthority> {
  ensurePrivateDir(dir);
  const paths = pkiPaths(dir, 'ca');
  if (readTextIfExists(paths.cert) === undefined && readTextIfExists(paths.key) === undefined) {
    const created = await createCertificateAuthority({ now });
    // Claim ca.key without clobbering: if another caller got there first, theirs is the CA.
    if (createFileExclusive(paths.key, created.keyPem, PRIVATE_MODE)) {
      writePublicFile(paths.cert, created.certPem);
      return created;
    }
  }
  const { certPem, keyPem } = await readCaFiles(paths);
  const authority = await loadCertificateAuthority(certPem, keyPem);
  if (authority.cert.notAfter < now) {
    throw new Error(`the cluster CA in ${paths.cert} expired on ${authority.cert.notAfter.toISOString()}`);
  }
  return authority;
}

/** Reads ca.crt and ca.key, giving a concurrent creator a moment to write the certificate. */
async function readCaFiles(paths: { cert: string; key: string }): Promise<IssuedCertificate> {
  for (let waited = 0; ; waited += 50) {
    const certPem = readTextIfExists(paths.cert);
    const keyPem = readTextIfExists(paths.key);
    if (certPem !== undefined && keyPem !== undefined) return { certPem, keyPem };
    if (waited >= CA_PAIR_WAIT_MS) {
      const missing = certPem === undefined ? paths.cert : paths.key;
      throw new Error(`${missing} is missing but its pair exists; refusing to replace the cluster CA`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface EnsureServingOptions {
  altNames: AltNames;
  commonName?: string;
  now?: Date;
}

/** `<dir>/<name>.crt|key`: a serverAuth certificate carrying at least `altNames`. */
export async function ensureServingCertificate(
  dir: string,
  name: string,
  authority: CertificateAuthority,
  opts: EnsureServingOptions,
): Promise<EnsuredCertificate> {
  const now = opts.now ?? new Date();
  const mismatch = (cert: NodeX509Certificate) => {
    const missing = missingAltNames(altNamesOf(new x509.X509Certificate(cert.raw).extensions), opts.altNames);
    return missing.length > 0 ? `lacks ${missing.join(', ')}` : undefined;
  };
  return ensureLeaf(dir, name, authority, { usage: 'server', now, mismatch }, () =>
    issueServingCertificate(authority, { altNames: opts.altNames, commonName: opts.commonName, now }),
  );
}

/** `<dir>/<name>.crt|key`: a clientAuth certificate for CN=user, O=groups (e.g. admin, system:masters). */
export async function ensureClientCertificate(
  dir: string,
  name: string,
  authority: CertificateAuthority,
  subject: CertificateSubject,
  opts: { now?: Date } = {},
): Promise<EnsuredCertificate> {
  const now = opts.now ?? new Date();
  const mismatch = (_cert: NodeX509Certificate, actual: CertificateSubject) =>
    sameSubject(actual, subject) ? undefined : 'has a different subject';
  return ensureLeaf(dir, name, authority, { usage: 'client', now, mismatch }, () =>
    issueClientCertificate(authority, subject, { now }),
  );
}

interface LeafPolicy {
  usage: CertificateUsage;
  now: Date;
  /** Why an otherwise valid certificate does not fit (wrong SANs or subject), if it does not. */
  mismatch: (cert: NodeX509Certificate, subject: CertificateSubject) => string | undefined;
}

/** Per key file, the tail of the ensures queued in this process, so checks and rewrites of one pair never interleave. */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(work);
  queues.set(
    key,
    run.catch(() => undefined),
  );
  return run;
}

function ensureLeaf(
  dir: string,
  name: string,
  authority: CertificateAuthority,
  policy: LeafPolicy,
  issue: () => Promise<IssuedCertificate>,
): Promise<EnsuredCertificate> {
  const paths = pkiPaths(dir, name);
  return serialized(paths.key, () => ensureLeafNow(paths, authority, policy, issue));
}

async function ensureLeafNow(
  paths: { cert: string; key: string },
  authority: CertificateAuthority,
  policy: LeafPolicy,
  issue: () => Promise<IssuedCertificate>,
): Promise<EnsuredCertificate> {
  ensurePrivateDir(dirname(paths.key));
  const certPem = readTextIfExists(paths.cert);
  const keyPem = readTextIfExists(paths.key);
  const existing = certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : undefined;
  const reason = existing ? reasonToReissue(existing, authority, policy) : 'missing';
  if (existing && !reason) return existing;
  const issued = await issue();
  writePrivateFile(paths.key, issued.keyPem);
  writePublicFile(paths.cert, issued.certPem);
  return { ...issued, issuedBecause: reason };
}

function reasonToReissue(
  existing: IssuedCertificate,
  authority: CertificateAuthority,
  policy: LeafPolicy,
): string | undefined {
  let cert: NodeX509Certificate;
  try {
    cert = new NodeX509Certificate(existing.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(existing.keyPem))) return 'does not match its key';
  } catch (err) {
    return `is unreadable: ${(err as Error).message}`;
  }
  const check = verifyCertificate(authority.certPem, cert, { usage: policy.usage, now: policy.now });
  if (!check.ok) return check.reason;
  if (new Date(cert.validTo).getTime() < policy.now.getTime() + RENEW_BEFORE_DAYS * DAY_MS)
    return 'expires soon';
  return policy.mismatch(cert, check.subject);
}
