// A node whose address changed (a VM that got a new DHCP lease after the host slept) is moved,
// not replaced: same Node name, so its pods keep their identity; only what names the address
// changes. The agent's config gets the new nodeIP, its kubelet serving certificate (whose SAN
// is the old IP) is dropped so the agent asks for a new one, and the agent restarts, reporting
// the new InternalIP on the same Node object. When the way back to the API server changed too
// (the host-only network's host address), the agent's server URL follows: in the kubeconfigs
// the installer wrote (bootstrap or token) and in the one the agent wrote for its own
// certificate, which is kept (no new CSR).
import {
  installPaths,
  shellQuote,
  startAgent,
  stopAgent,
  writeAgentConfig,
  type AgentInstallSettings,
  type SshSession,
} from '../provision/install/index.ts';
import type { ProvisionedNode } from '../provision/provider.ts';
import { openSsh } from '../provision/ssh-host/connection.ts';

/** `ssh` must already be connected to the node at its new address (`moved.address`). */
export async function moveNodeAgent(
  ssh: SshSession,
  moved: ProvisionedNode,
  settings: AgentInstallSettings,
): Promise<void> {
  await stopAgent(ssh, moved);
  await writeAgentConfig(ssh, moved, settings);
  const paths = installPaths(moved);
  for (const kubeconfig of [paths.bootstrapKubeconfig, paths.tokenKubeconfig, paths.nodeKubeconfig])
    await ssh.run(rewriteServerCommand(kubeconfig, settings.apiServerUrl));
  // The agent's serving certificate files (agent/bootstrap/credential-files.ts).
  const pki = `${moved.agent.dataDir}/pki`;
  await ssh.run(
    `rm -f ${shellQuote(`${pki}/kubelet-server.crt`)} ${shellQuote(`${pki}/kubelet-server.key`)}`,
  );
  await startAgent(ssh, moved);
}

/**
 * Where the node reaches the control plane now, found as the providers find it at boot: our
 * end of an SSH connection to the node (the host's address on the host-only network).
 */
export async function currentApiServerAddress(
  node: ProvisionedNode,
  privateKey: string,
  signal?: AbortSignal,
): Promise<string> {
  const ssh = await openSsh(
    {
      host: node.address,
      port: node.sshPort,
      username: node.sshUser,
      privateKey,
      hostKey: node.hostKey,
      readyTimeoutMs: 20_000,
    },
    signal,
  );
  try {
    return ssh.localAddress || node.apiServerAddress;
  } finally {
    ssh.close();
  }
}

/** A shell command pointing every `server:` of a (YAML) kubeconfig at `url`; none there is fine. */
export function rewriteServerCommand(kubeconfig: string, url: string): string {
  const file = shellQuote(kubeconfig);
  const script = `s#^([[:space:]]*server:[[:space:]]*).*$#\\1${url}#`;
  return `if [ -f ${file} ]; then sed -i -E ${shellQuote(script)} ${file}; fi`;
}
