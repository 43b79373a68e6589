// The kubelet's TLS bootstrap (upstream pkg/kubelet/certificate/bootstrap): when the node has
// no kubeconfig of its own yet, it uses the bootstrap kubeconfig (server, CA and a short-lived
// bootstrap token) to ask for a client certificate for system:node:<name> in system:nodes,
// then writes its own kubeconfig pointing at that certificate. The token is not needed again:
// a start in the last fifth of the certificate's lifetime renews it with the node's own
// credential (the approver approves a node renewing its own certificate).
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { Client, silentLogger, type ConnectionConfig, type Logger } from '../../api/client/index.ts';
import { loadKubeconfig, NodeTransport } from '../../api/client/transport-node.ts';
import { writePrivateFile } from './private-file.ts';
import type { AgentConfig } from '../config.ts';
import { clientCertificateFiles, writeCertificateFiles, type CertificateFiles } from './credential-files.ts';
import { requestCertificate } from './request-certificate.ts';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

export interface BootstrapOptions {
  logger?: Logger;
  signal?: AbortSignal;
  /** The time certificates are judged at (tests); default now. */
  now?: () => number;
}

/**
 * Makes sure `config.kubeconfig` holds this node's own credential, bootstrapping it when
 * `config.bootstrapKubeconfig` is set and the kubeconfig is missing or its certificate expired
 * (upstream's isClientConfigStillValid), and renewing it with the node's own credential once
 * most of its lifetime has passed. Returns the config to run with. Throws
 * CertificateRequestError when no certificate comes.
 */
export async function ensureNodeCredentials(
  config: AgentConfig,
  opts: BootstrapOptions = {},
): Promise<AgentConfig> {
  if (!config.bootstrapKubeconfig || !config.kubeconfig) return config;
  const logger = opts.logger ?? silentLogger;
  const current = currentCredential(config.kubeconfig, (opts.now ?? Date.now)());
  if (current === 'valid') return config;
  if (current === 'renew') {
    try {
      await requestClientCertificate(config, loadKubeconfig({ kubeconfig: config.kubeconfig }), logger, opts);
      return config;
    } catch (err) {
      // The old certificate still works: run with it, and try again at the next start.
      logger.warn('renewing the node certificate failed; using the current one', { error: String(err) });
      return config;
    }
  }
  const bootstrap = loadKubeconfig({ kubeconfig: config.bootstrapKubeconfig });
  logger.info('no node credential yet: asking for one with the bootstrap token', {
    node: config.nodeName,
    server: bootstrap.server,
  });
  await requestClientCertificate(config, bootstrap, logger, opts);
  return config;
}

/** Once this share of a certificate's lifetime has passed, a start renews it (upstream: 70-90%). */
const RENEW_AFTER_LIFETIME_SHARE = 0.8;

/**
 * 'valid' when the kubeconfig works as it is (a certificate that has not expired, or any other
 * credential), 'renew' when its certificate is in the last part of its lifetime, 'missing'
 * when there is nothing usable (no file, no credential, an expired or unreadable certificate).
 */
export function currentCredential(kubeconfig: string, now = Date.now()): 'valid' | 'renew' | 'missing' {
  if (!existsSync(kubeconfig)) return 'missing';
  let connection: ConnectionConfig;
  try {
    connection = loadKubeconfig({ kubeconfig });
  } catch {
    return 'missing';
  }
  if (!connection.cert || !connection.key) return connection.token ? 'valid' : 'missing';
  try {
    const cert = new X509Certificate(connection.cert);
    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    if (now < notBefore || now >= notAfter) return 'missing';
    return now >= notBefore + (notAfter - notBefore) * RENEW_AFTER_LIFETIME_SHARE ? 'renew' : 'valid';
  } catch {
    return 'missing';
  }
}

/** Ask for a client certificate with `credential` (the bootstrap token, or the node renewing). */
export async function requestClientCertificate(
  config: AgentConfig,
  credential: ConnectionConfig,
  logger: Logger,
  opts: BootstrapOptions,
): Promise<void> {
  const files = clientCertificateFiles(config.dataDir);
  const client = new Client(new NodeTransport(credential));
  try {
    const issued = await requestCertificate(client, {
      signerName: KUBELET_CLIENT_SIGNER,
      usages: ['digital signature', 'client auth'],
      subject: { commonName: NODE_USER_PREFIX + config.nodeName, organizations: [NODES_GROUP] },
      namePrefix: 'node-csr-',
      timeoutMs: config.bootstrapTimeoutSeconds * 1000,
      signal: opts.signal,
      logger,
    });
    writeCertificateFiles(files, issued.certPem, issued.keyPem);
    writeNodeKubeconfig(config.kubeconfig!, credential, config.nodeName, files);
    logger.info('node credential written', { kubeconfig: config.kubeconfig, csr: issued.csrName });
  } finally {
    client.close();
  }
}

/** A kubeconfig like kubelet.conf: the bootstrap kubeconfig's server and CA, the node's cert files. */
export function writeNodeKubeconfig(
  path: string,
  bootstrap: ConnectionConfig,
  nodeName: string,
  files: CertificateFiles,
): void {
  const cluster: Record<string, string> = { server: bootstrap.server };
  if (bootstrap.ca) cluster['certificate-authority-data'] = Buffer.from(bootstrap.ca).toString('base64');
  if (bootstrap.tlsServerName) cluster['tls-server-name'] = bootstrap.tlsServerName;
  const user = NODE_USER_PREFIX + nodeName;
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'default-cluster', cluster }],
    users: [{ name: user, user: { 'client-certificate': files.certFile, 'client-key': files.keyFile } }],
    contexts: [{ name: 'default-context', context: { cluster: 'default-cluster', user } }],
    'current-context': 'default-context',
    preferences: {},
  };
  writePrivateFile(path, stringify(kubeconfig));
}
