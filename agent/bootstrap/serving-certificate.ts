// The kubelet API's serving certificate (signer kubernetes.io/kubelet-serving): CN
// system:node:<name>, SANs the node's IP and name. The approver signs it only for addresses the
// Node reports, so this runs once the node is registered; the API server then verifies the
// kubelet it talks to against the cluster CA. A certificate named in the config is used as is.
import type { Client, Logger } from '../../api/client/index.ts';
import { silentLogger } from '../../api/client/index.ts';
import type { AgentConfig } from '../config.ts';
import {
  servingCertificateFiles,
  usableCertificate,
  writeCertificateFiles,
  type CertificateFiles,
} from './credential-files.ts';
import { NODE_USER_PREFIX, NODES_GROUP } from './node-credentials.ts';
import { requestCertificate } from './request-certificate.ts';

export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';

/** Ask again once less than this is left (upstream rotates at 70-90% of the lifetime). */
const RENEW_MARGIN_MS = 24 * 3600 * 1000;

/**
 * PEM file paths of the kubelet serving certificate and key: `tlsCertFile`/`tlsPrivateKeyFile`
 * when the config names them, else `<dataDir>/pki/kubelet-server.{crt,key}`, asked for with the
 * node's own credential (`client`) when missing or close to expiry.
 */
export async function ensureServingCertificate(
  config: AgentConfig,
  client: Client,
  opts: { logger?: Logger; signal?: AbortSignal } = {},
): Promise<CertificateFiles> {
  if (config.tlsCertFile && config.tlsPrivateKeyFile)
    return { certFile: config.tlsCertFile, keyFile: config.tlsPrivateKeyFile };
  const files = servingCertificateFiles(config.dataDir);
  if (usableCertificate(files, Date.now(), RENEW_MARGIN_MS)) return files;
  const issued = await requestCertificate(client, {
    signerName: KUBELET_SERVING_SIGNER,
    usages: ['digital signature', 'server auth'],
    subject: { commonName: NODE_USER_PREFIX + config.nodeName, organizations: [NODES_GROUP] },
    altNames: { dnsNames: [config.nodeName], ips: [config.nodeIP] },
    namePrefix: 'csr-',
    timeoutMs: config.bootstrapTimeoutSeconds * 1000,
    signal: opts.signal,
    logger: opts.logger ?? silentLogger,
  });
  writeCertificateFiles(files, issued.certPem, issued.keyPem);
  return files;
}

/** The config with the serving certificate filled in (for the kubelet API), obtained as above. */
export async function withServingCertificate(
  config: AgentConfig,
  client: Client,
  opts: { logger?: Logger; signal?: AbortSignal } = {},
): Promise<AgentConfig> {
  const files = await ensureServingCertificate(config, client, opts);
  return { ...config, tlsCertFile: files.certFile, tlsPrivateKeyFile: files.keyFile };
}

/**
 * The config the kubelet API runs with: for a node that joined with a bootstrap token and names
 * no certificate of its own, with the serving certificate filled in. Without one (not approved in
 * time) the config is returned as it is, and the kubelet API stays off with a warning.
 */
export async function kubeletApiConfig(
  config: AgentConfig,
  client: Client,
  opts: { logger?: Logger; signal?: AbortSignal } = {},
): Promise<AgentConfig> {
  if (!config.bootstrapKubeconfig || config.kubeletPort === 0) return config;
  try {
    return await withServingCertificate(config, client, opts);
  } catch (err) {
    if (!opts.signal?.aborted)
      (opts.logger ?? silentLogger).warn('no kubelet serving certificate', { error: String(err) });
    return config;
  }
}
