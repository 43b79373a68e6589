// A node whose address changed (a VM that got a new DHCP lease after the host slept) is moved,
// not replaced: same Node name, so its pods keep their identity; only what names the address
// changes. The agent's config gets the new nodeIP, its kubelet serving certificate (whose SAN
// is the old IP) is dropped so the agent asks for a new one, and the agent restarts, reporting
// the new InternalIP on the same Node object.
import {
  shellQuote,
  startAgent,
  stopAgent,
  writeAgentConfig,
  type AgentInstallSettings,
  type SshSession,
} from '../provision/install/index.ts';
import type { ProvisionedNode } from '../provision/provider.ts';

/** `ssh` must already be connected to the node at its new address (`moved.address`). */
export async function moveNodeAgent(
  ssh: SshSession,
  moved: ProvisionedNode,
  settings: AgentInstallSettings,
): Promise<void> {
  await stopAgent(ssh, moved);
  await writeAgentConfig(ssh, moved, settings);
  // The agent's serving certificate files (agent/bootstrap/credential-files.ts).
  const pki = `${moved.agent.dataDir}/pki`;
  await ssh.run(
    `rm -f ${shellQuote(`${pki}/kubelet-server.crt`)} ${shellQuote(`${pki}/kubelet-server.key`)}`,
  );
  await startAgent(ssh, moved);
}
