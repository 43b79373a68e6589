// What provider tests share: a cluster folder with its SSH key (as the cluster lifecycle makes
// it), a ProvisionContext that records progress, a fake-VM state dir with its own network, and
// an SSH command runner that pins the node's host key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureSshKeyPair } from '../../control-plane/provision/netns/keys.ts';
import type { ProvisionContext, ProvisionedNode } from '../../control-plane/provision/provider.ts';
import { withSsh } from '../../control-plane/provision/ssh-host/connection.ts';
import { destroyFakeHost, type FakeHost } from '../fakes/fake-vm.ts';
import { removeStaleTestClusters, testClusterName } from '../helpers/netns.ts';

export const FAKES_DIR = resolve(import.meta.dirname, '../fakes');

/** The fake VBoxManage reads seed ISOs back with isoinfo (genisoimage, scripts/system-packages.mjs). */
export function hasIsoinfo(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v isoinfo'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface ProviderFixture {
  cluster: string;
  clusterDir: string;
  ctx: ProvisionContext;
  progress: string[];
  /** Environment for the fakes: their own state dir and network. */
  env: NodeJS.ProcessEnv;
  stateDir: string;
  /** The fakes' host: state dir and netns network, for tests that make hosts themselves. */
  fakeHost: FakeHost;
  calls(): string[][];
  cleanup(): Promise<void>;
}

export async function providerFixture(logName = 'calls.jsonl'): Promise<ProviderFixture> {
  await removeStaleTestClusters();
  const network = testClusterName(); // the fakes' netns network: cleaned up if this run dies
  const cluster = `c${network.slice(3)}`;
  const clusterDir = mkdtempSync('/tmp/flt-prov-');
  const stateDir = mkdtempSync('/tmp/fvm-');
  const key = ensureSshKeyPair(join(clusterDir, 'ssh', 'id_ed25519'), `flotilla@${cluster}`);
  const progress: string[] = [];
  const log = join(stateDir, logName);
  return {
    cluster,
    clusterDir,
    progress,
    stateDir,
    fakeHost: { stateDir, network },
    ctx: { cluster, clusterDir, sshPublicKey: key.publicKey, progress: (m) => progress.push(m) },
    env: {
      ...process.env,
      FAKE_MULTIPASS_STATE: stateDir,
      FAKE_MULTIPASS_LOG: log,
      FAKE_VBOX_STATE: stateDir,
      FAKE_VBOX_LOG: log,
      FAKE_VM_NETWORK: network,
    },
    calls: () => {
      try {
        return readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
      } catch {
        return [];
      }
    },
    cleanup: async () => {
      await destroyFakeHost({ stateDir, network });
      rmSync(clusterDir, { recursive: true, force: true });
    },
  };
}

/** Runs a command on a provisioned node as the install path would: cluster key, pinned host key. */
export function sshRun(node: ProvisionedNode, clusterDir: string, command: string): Promise<string> {
  return withSsh(
    {
      host: node.address,
      port: node.sshPort,
      username: node.sshUser,
      privateKey: readFileSync(join(clusterDir, 'ssh', 'id_ed25519'), 'utf8'),
      hostKey: node.hostKey,
    },
    async (ssh) => {
      const result = await ssh.exec(command);
      if (result.code !== 0) throw new Error(`${command}: exit ${result.code}: ${result.stderr}`);
      return result.stdout;
    },
  );
}
