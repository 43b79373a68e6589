// A "pre-existing Linux host" for the ssh provider's tests: a netns node whose sshd looks like
// a normal host's (root's keys in /root/.ssh/authorized_keys, here bind-mounted from the node's
// directory in sshd's mount namespace only, so the real host's files are never touched), with
// the node's own layout declared in /etc/flotilla/agent-host.json.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNode, type NetnsNode } from '../../control-plane/provision/netns/node.ts';
import { sshdConfig, sshdPaths } from '../../control-plane/provision/netns/sshd.ts';
import { ensureNetwork, restartSshd, withLock, writeLayout, type FakeHost } from '../fakes/fake-vm.ts';

export interface ExistingHost {
  node: NetnsNode;
  /** root's authorized_keys as sshd sees it. */
  authorizedKeysFile: string;
  authorizedKeys(): string[];
  sshdLog(): string;
}

export interface ExistingHostOptions {
  /** Keys agent-host.json leaves out (nodeBinary: the installer must ship a Node runtime). */
  layoutWithout?: string[];
  /** PATH of SSH sessions (sshd SetEnv), e.g. one without node. */
  sessionPath?: string;
  /** sshd on every address of the host (for a host that gets another address later). */
  listenOnAllAddresses?: boolean;
}

export async function existingHost(
  host: FakeHost,
  name: string,
  index: number,
  userKey: string,
  options: ExistingHostOptions = {},
): Promise<ExistingHost> {
  const subnet = await withLock(host, () => ensureNetwork(host));
  const node = await createNode({
    cluster: host.network,
    name,
    index,
    nodeSubnet: subnet,
    clusterDir: host.stateDir,
    authorizedKey: userKey,
  });
  const rootSsh = join(node.nodeDir, 'root-ssh');
  mkdirSync(rootSsh, { recursive: true });
  chmodSync(rootSsh, 0o700);
  const authorizedKeysFile = join(rootSsh, 'authorized_keys');
  writeFileSync(authorizedKeysFile, userKey.trim() + '\n', { mode: 0o600 });
  const paths = sshdPaths(node.nodeDir);
  let config = sshdConfig(paths, node.nodeIp).replace(
    /^AuthorizedKeysFile .*$/m,
    'AuthorizedKeysFile .ssh/authorized_keys',
  );
  if (options.listenOnAllAddresses)
    config = config.replace(/^ListenAddress .*$/m, 'ListenAddress 0.0.0.0:22');
  // sshd takes only its first SetEnv line: the session PATH joins the one the config has.
  if (options.sessionPath)
    config = config.replace(/^SetEnv .*$/m, (line) => `${line} PATH=${options.sessionPath}`);
  await restartSshd(
    node,
    [
      [writeLayout(node, options.layoutWithout), '/etc/flotilla'],
      [rootSsh, '/root/.ssh'],
    ],
    config,
  );
  return {
    node,
    authorizedKeysFile,
    authorizedKeys: () => readFileSync(authorizedKeysFile, 'utf8').trim().split('\n').filter(Boolean),
    sshdLog: () => readFileSync(paths.log, 'utf8'),
  };
}
