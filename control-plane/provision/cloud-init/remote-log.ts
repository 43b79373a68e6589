// A node's boot log read over SSH (for providers without a serial console of their own):
// the tail of cloud-init's output, which shows package installs and failures.
import type { ProvisionedNode } from '../provider.ts';
import { withSsh } from '../ssh-host/connection.ts';
import { clusterPrivateKey } from './vm-node.ts';

export async function remoteConsoleLog(node: ProvisionedNode, clusterDir: string): Promise<string> {
  try {
    return await withSsh(
      {
        host: node.address,
        port: node.sshPort,
        username: node.sshUser,
        privateKey: clusterPrivateKey(clusterDir),
        hostKey: node.hostKey,
        readyTimeoutMs: 10_000,
      },
      async (ssh) => (await ssh.exec('tail -n 200 /var/log/cloud-init-output.log 2>&1')).stdout,
    );
  } catch (error) {
    return `(no console log: ${String((error as Error).message ?? error)})`;
  }
}
