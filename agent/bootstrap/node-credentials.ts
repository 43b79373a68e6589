// The kubelet's TLS bootstrap (upstream pkg/kubelet/certificate/bootstrap): when the node has
// no kubeconfig of its own yet, it uses the bootstrap kubeconfig (server, CA and a short-lived
// bootstrap token) to ask for a client certificate for system:node:<name> in system:nodes,
// then writes its own kubeconfig pointing at that certificate. The token is never used again.
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { Client, silentLogger, type ConnectionConfig, type Logger } from '../../api/client/index.ts';
import { loadKubeconfig, NodeTransport } from '../../api/client/transport-node.ts';
import { writePrivateFile } from '../../control-plane/pki/files.ts';
import type { AgentConfig } from '../config.ts';
import {
  clientCertificateFiles,
  usableCertificate,
  writeCertificateFiles,
  type CertificateFiles,
} from './credential-files.ts';
import { requestCertificate } from './request-certificate.ts';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

export interface BootstrapOptions {
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * Makes sure `config.kubeconfig` holds this node's own credential, bootstrapping it when
 * `config.bootstrapKubeconfig` is set and the kubeconfig is missing or its certificate expired.
 * Returns the config to run with. Throws CertificateRequestError when no certificate comes.
 */
export async function ensureNodeCredentials(
  config: AgentConfig,
  opts: BootstrapOptions = {},
): Promise<AgentConfig> {
  if (!config.bootstrapKubeconfig || !config.kubeconfig) return config;
  const logger = opts.logger ?? silentLogger;
  const files = clientCertificateFiles(config.dataDir);
  if (existsSync(config.kubeconfig) && usableCertificate(files)) return config;

  const bootstrap = loadKubeconfig({ kubeconfig: config.bootstrapKubeconfig });
  logger.info('no node credential yet: asking for one with the bootstrap token', {
    node: config.nodeName,
    server: bootstrap.server,
  });
  const client = new Client(new NodeTransport(bootstrap));
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
    writeNodeKubeconfig(config.kubeconfig, bootstrap, config.nodeName, files);
    logger.info('node credential written', { kubeconfig: config.kubeconfig, csr: issued.csrName });
  } finally {
    client.close();
  }
  return config;
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
