// kubeconfig files (clientcmd v1 Config) for kubectl and client libraries: one cluster (server
// URL + our CA inline), one user (bearer token or inline client certificate), one context that
// is current. Written 0600: the file is a credential.
import { stringify } from 'yaml';
import { writePrivateFile } from './pki/files.ts';

export type KubeconfigCredentials =
  { token: string } | { clientCertificatePem: string; clientKeyPem: string };

export interface KubeconfigOptions {
  /** Cluster entry name, e.g. the Flotilla cluster's name. */
  clusterName: string;
  /** https://127.0.0.1:6443 */
  server: string;
  caCertPem: string;
  /** User entry name, e.g. "admin". */
  userName: string;
  credentials: KubeconfigCredentials;
  /** Defaults to "<userName>@<clusterName>", as kubeadm names its contexts. */
  contextName?: string;
  namespace?: string;
}

export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: {
    name: string;
    user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string };
  }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  'current-context': string;
  preferences: Record<string, never>;
}

const base64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

export function buildKubeconfig(opts: KubeconfigOptions): Kubeconfig {
  const contextName = opts.contextName ?? `${opts.userName}@${opts.clusterName}`;
  const user =
    'token' in opts.credentials
      ? { token: opts.credentials.token }
      : {
          'client-certificate-data': base64(opts.credentials.clientCertificatePem),
          'client-key-data': base64(opts.credentials.clientKeyPem),
        };
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: opts.clusterName,
        cluster: { server: opts.server, 'certificate-authority-data': base64(opts.caCertPem) },
      },
    ],
    users: [{ name: opts.userName, user }],
    contexts: [
      {
        name: contextName,
        context: {
          cluster: opts.clusterName,
          user: opts.userName,
          ...(opts.namespace ? { namespace: opts.namespace } : {}),
        },
      },
    ],
    'current-context': contextName,
    preferences: {},
  };
}

export function kubeconfigToYaml(config: Kubeconfig): string {
  return stringify(config);
}

/** Builds and writes a kubeconfig (mode 0600, atomically); returns the YAML written. */
export function writeKubeconfig(path: string, opts: KubeconfigOptions): string {
  const yaml = kubeconfigToYaml(buildKubeconfig(opts));
  writePrivateFile(path, yaml);
  return yaml;
}
