// End to end through the CLI with the fake VBoxManage first on PATH: the host sleeps, and both
// the VM's address and the host's own address on the host-only network change. The supervisor
// must re-register the node at its new address (same Node) and point its agent at the API
// server's new address, on which the control plane now listens too.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { nthAddress } from '../../control-plane/provision/netns/subnet.ts';
import { destroyFakeHost, type FakeHost } from '../fakes/fake-vm.ts';
import { testImageArchives } from '../helpers/images.ts';
import { netnsSkipReason, removeStaleTestClusters, testClusterName } from '../helpers/netns.ts';
import { kubectl, waitFor } from '../helpers/server.ts';
import { FAKES_DIR, hasIsoinfo } from './fixtures.ts';

const skip = netnsSkipReason() ?? (hasIsoinfo() ? undefined : 'no isoinfo (genisoimage)');
const CLI = resolve(import.meta.dirname, '../../cli/bin.mjs');

function flotilla(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

interface StoredNode {
  name: string;
  address: string;
  apiServerAddress: string;
  agent: { dataDir: string; installDir: string };
}

describe.skipIf(skip)('a VirtualBox node after the host slept and its host-only address changed', () => {
  const name = `vm-${randomBytes(3).toString('hex')}`;
  let home: string;
  let fake: FakeHost;
  let env: NodeJS.ProcessEnv;
  const stored = (): StoredNode[] => {
    const json = JSON.parse(readFileSync(join(home, 'clusters', name, 'nodes.json'), 'utf8')) as
      StoredNode[] | { nodes: StoredNode[] };
    return Array.isArray(json) ? json : json.nodes;
  };

  beforeAll(async () => {
    await removeStaleTestClusters();
    home = mkdtempSync('/tmp/flt-home-');
    fake = { stateDir: mkdtempSync('/tmp/fvm-'), network: testClusterName() };
    const image = join(fake.stateDir, 'ubuntu-24.04-server-cloudimg-amd64.ova');
    writeFileSync(image, 'appliance');
    env = {
      ...process.env,
      PATH: `${FAKES_DIR}:${process.env.PATH}`,
      FLOTILLA_HOME: home,
      FAKE_VBOX_STATE: fake.stateDir,
      FLOTILLA_VIRTUALBOX_IMAGE: image,
      FAKE_VM_NETWORK: fake.network,
      FAKE_VM_IMAGES: testImageArchives().pause,
    };
  });

  afterAll(async () => {
    if (env) await flotilla(['cluster', 'delete', name], env);
    if (fake) await destroyFakeHost(fake);
    if (home) rmSync(home, { recursive: true, force: true });
  }, 300_000);

  it('is re-registered at its new address and its agent follows the API server to the new host address', async () => {
    const created = await flotilla(['cluster', 'create', name, '--provider', 'virtualbox'], env);
    expect(created.out).not.toMatch(/"status":"failed"/);
    expect(created.code).toBe(0);
    const kubeconfig = join(home, 'clusters', name, 'kubeconfig.yaml');
    const node = async () => {
      const r = await kubectl(['get', 'nodes', '-o', 'json'], { kubeconfig });
      const item = (
        JSON.parse(r.stdout) as {
          items: {
            metadata: { uid: string };
            status: {
              addresses: { type: string; address: string }[];
              conditions: { type: string; status: string; lastHeartbeatTime: string }[];
            };
          }[];
        }
      ).items[0]!;
      const ready = item.status.conditions.find((c) => c.type === 'Ready');
      return {
        uid: item.metadata.uid,
        ip: item.status.addresses.find((a) => a.type === 'InternalIP')?.address,
        ready: ready?.status === 'True',
      };
    };
    const before = await waitFor(async () => ((await node()).ready ? node() : undefined), 300_000);
    const [first] = stored();
    const { subnet } = JSON.parse(readFileSync(join(fake.stateDir, 'network.json'), 'utf8')) as {
      subnet: string;
    };
    const movedHost = nthAddress(subnet, 250);
    expect(first!.apiServerAddress).not.toBe(movedHost);

    const [vm] = readdirSync(join(fake.stateDir, 'vms')).map((f) => f.replace(/\.json$/, ''));
    writeFileSync(join(fake.stateDir, `slept-${vm}`), 'host-moved');

    const moved = await waitFor(
      async () => {
        const n = stored()[0]!;
        return n.apiServerAddress === movedHost && n.address !== first!.address ? n : undefined;
      },
      300_000,
      'the supervisor to store the node at its new addresses',
      1_000,
    );
    const after = await waitFor(
      async () => {
        const n = await node();
        return n.ready && n.ip === moved!.address ? n : undefined;
      },
      300_000,
      'the node to be Ready at its new address',
      1_000,
    );
    expect(after!.uid).toBe(before!.uid);
    // The agent's kubeconfigs name the API server at the host's new address.
    const server = (file: string) =>
      (parse(readFileSync(file, 'utf8')) as { clusters: { cluster: { server: string } }[] }).clusters[0]!
        .cluster.server;
    expect(server(join(moved!.agent.dataDir, 'kubeconfig.yaml'))).toMatch(`https://${movedHost}:`);
    expect(server(join(moved!.agent.installDir, 'bootstrap-kubeconfig.yaml'))).toMatch(
      `https://${movedHost}:`,
    );
  }, 900_000);
});
