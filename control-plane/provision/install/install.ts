// The shared install path (contract 2): the same steps for every provider once its host answers
// on SSH with the pinned key. Upload the agent bundle, write its config and starting kubeconfig,
// start it; and the reverse. Waiting for the Node to be Ready is the cluster's part (it has the
// API client).
import { ensureAgentBundle } from './agent-bundle.ts';
import {
  agentConfigYaml,
  installPaths,
  nodeKubeconfigYaml,
  type AgentInstallSettings,
} from './agent-config.ts';
import { removeAgentService, startAgentService, stopAgentService } from './agent-service.ts';
import { writingOnNode } from './disk-space.ts';
import { shipNodeRuntime } from './node-runtime.ts';
import { writeRegistryConfig } from './registry-config.ts';
import { shellQuote, type SshSession } from './ssh.ts';
import type { ProvisionedNode } from '../provider.ts';

export interface InstallOptions {
  /** Progress within the step (downloading or uploading the Node runtime). */
  progress?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * Uploads the bundle (and the Node runtime, when the host declares none) and writes the agent's
 * files; does not start it. A full disk on the node fails as NoSpaceLeftError (node and path).
 */
export async function installAgent(
  ssh: SshSession,
  node: ProvisionedNode,
  settings: AgentInstallSettings,
  opts: InstallOptions = {},
): Promise<void> {
  const paths = installPaths(node);
  const bundle = await ensureAgentBundle();
  await writingOnNode(ssh, node, paths.dir, () =>
    ssh.run(
      `mkdir -p ${shellQuote(paths.dir)} ${shellQuote(node.agent.dataDir)} && chmod 700 ${shellQuote(paths.dir)}`,
    ),
  );
  if (node.agent.installPackages) await installPackages(ssh);
  if (!node.agent.nodeBinary) await shipNodeRuntime(ssh, node, opts);
  await writingOnNode(ssh, node, paths.dir, async () => {
    await ssh.upload(bundle, paths.bundle, 0o644);
    const kubeconfig = nodeKubeconfigYaml(node, settings);
    const kubeconfigPath =
      'bootstrapToken' in settings.credential ? paths.bootstrapKubeconfig : paths.tokenKubeconfig;
    await ssh.writeFile(kubeconfigPath, kubeconfig, 0o600);
    await ssh.writeFile(paths.config, agentConfigYaml(node, settings), 0o600);
  });
  // After the packages: containerd's certs.d is where the runtime reads its mirrors.
  await writeRegistryConfig(ssh, node, settings.registries);
}

/** Rewrites only agent.yaml (the node's address changed); the agent reads it when restarted. */
export async function writeAgentConfig(
  ssh: SshSession,
  node: ProvisionedNode,
  settings: AgentInstallSettings,
): Promise<void> {
  const paths = installPaths(node);
  await writingOnNode(ssh, node, paths.config, () =>
    ssh.writeFile(paths.config, agentConfigYaml(node, settings), 0o600),
  );
}

export async function startAgent(ssh: SshSession, node: ProvisionedNode): Promise<void> {
  await startAgentService(ssh, node);
}

export async function stopAgent(ssh: SshSession, node: ProvisionedNode): Promise<void> {
  await stopAgentService(ssh, node);
}

/** Stops the agent and removes everything the installer wrote (bundle, config, unit, data dir). */
export async function uninstallAgent(ssh: SshSession, node: ProvisionedNode): Promise<void> {
  await stopAgentService(ssh, node);
  await removeAgentService(ssh, node);
  await ssh.run(`rm -rf ${shellQuote(installPaths(node).dir)} ${shellQuote(node.agent.dataDir)}`);
}

/** containerd, runc, the CNI plugins, iptables and nft (kube-proxy's two modes) from the distribution (Debian/Ubuntu hosts). */
async function installPackages(ssh: SshSession): Promise<void> {
  const missing = await ssh.exec(
    'for t in containerd runc iptables nft /usr/lib/cni/bridge; do command -v $t >/dev/null 2>&1 || [ -x $t ] || echo $t; done',
  );
  if (missing.stdout.trim() === '') return;
  await ssh.run(
    'export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q containerd runc iptables nftables containernetworking-plugins',
  );
}
