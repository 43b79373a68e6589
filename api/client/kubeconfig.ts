// Reads the parts of a kubeconfig a client needs to connect: the server URL, the CA, and the
// user's credentials (client certificate or bearer token) for the chosen context. Pure: files
// named by the kubeconfig (certificate-authority, client-key, tokenFile) are read through the
// `readFile` the caller supplies, so this also runs in the browser.
import { parse as parseYaml } from 'yaml';

export interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  'current-context'?: string;
  clusters?: { name: string; cluster: KubeconfigCluster }[];
  users?: { name: string; user: KubeconfigUser }[];
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
}

export interface KubeconfigCluster {
  server: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

export interface KubeconfigUser {
  'client-certificate-data'?: string;
  'client-certificate'?: string;
  'client-key-data'?: string;
  'client-key'?: string;
  token?: string;
  tokenFile?: string;
}

/** Everything needed to open connections to one API server as one user. PEM strings. */
export interface ConnectionConfig {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  /** The context's default namespace, if it names one. */
  namespace?: string;
}

export interface ResolveOptions {
  /** Context to use instead of current-context. */
  context?: string;
  /** Reads a file a kubeconfig refers to (paths are as written in the kubeconfig). */
  readFile?: (path: string) => string;
}

export function parseKubeconfig(text: string): Kubeconfig {
  const kc = parseYaml(text) as Kubeconfig | null;
  if (!kc || typeof kc !== 'object') throw new Error('kubeconfig: not a YAML mapping');
  return kc;
}

const fromBase64 = (data: string) => atob(data.replace(/\s+/g, ''));

export function resolveKubeconfig(kc: Kubeconfig, opts: ResolveOptions = {}): ConnectionConfig {
  const contextName = opts.context ?? kc['current-context'];
  if (!contextName) throw new Error('kubeconfig: no context given and no current-context set');
  const context = kc.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig: context "${contextName}" not found`);
  const cluster = kc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server)
    throw new Error(`kubeconfig: cluster "${context.cluster}" not found or has no server`);
  const user = kc.users?.find((u) => u.name === context.user)?.user ?? {};

  const read = (path: string) => {
    if (!opts.readFile) throw new Error(`kubeconfig: refers to file ${path} but no file reader was given`);
    return opts.readFile(path);
  };
  const pick = (data: string | undefined, path: string | undefined) =>
    data ? fromBase64(data) : path ? read(path) : undefined;

  const config: ConnectionConfig = { server: cluster.server.replace(/\/+$/, '') };
  const ca = pick(cluster['certificate-authority-data'], cluster['certificate-authority']);
  if (ca) config.ca = ca;
  const cert = pick(user['client-certificate-data'], user['client-certificate']);
  const key = pick(user['client-key-data'], user['client-key']);
  if (cert && key) {
    config.cert = cert;
    config.key = key;
  }
  const token = user.token ?? (user.tokenFile ? read(user.tokenFile).trim() : undefined);
  if (token) config.token = token;
  if (cluster['insecure-skip-tls-verify']) config.insecureSkipTLSVerify = true;
  if (cluster['tls-server-name']) config.tlsServerName = cluster['tls-server-name'];
  if (context.namespace) config.namespace = context.namespace;
  return config;
}
