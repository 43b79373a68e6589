// End to end through the CLI: `flotilla cluster create --provider multipass|virtualbox` with the
// fake multipass and VBoxManage first on PATH. The fakes' VMs are real netns nodes booted from
// our cloud-init, so the shared install path, the agent and the node reaching Ready run for real.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyFakeHost, type FakeHost } from '../fakes/fake-vm.ts';
import { testImageArchives } from '../helpers/images.ts';
import { netnsSkipReason, removeStaleTestClusters, testClusterName } from '../helpers/netns.ts';
import { kubectl, waitFor } from '../helpers/server.ts';
import { FAKES_DIR, hasIsoinfo } from './fixtures.ts';

const skip = netnsSkipReason();
const CLI = resolve(import.meta.dirname, '../../cli/bin.mjs');

function flotilla(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// VirtualBox makes two nodes, to show VMs are created side by side.
const PROVIDERS = [
  { provider: 'multipass', nodes: 1, create: 'launch', remove: /"delete","--purge","flotilla-/ },
  {
    provider: 'virtualbox',
    nodes: 2,
    create: 'import',
    remove: /"unregistervm","flotilla-[^"]+","--delete"/,
  },
].filter(({ provider }) => provider !== 'virtualbox' || hasIsoinfo());

describe.skipIf(skip).each(PROVIDERS)(
  'flotilla cluster create --provider $provider (fake CLI)',
  ({ provider, nodes: nodeCount, create, remove }) => {
    const name = `${provider.slice(0, 2)}-${randomBytes(3).toString('hex')}`;
    let home: string;
    let fake: FakeHost;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      await removeStaleTestClusters();
      home = mkdtempSync('/tmp/flt-home-');
      fake = { stateDir: mkdtempSync('/tmp/fvm-'), network: testClusterName() };
      writeFileSync(join(fake.stateDir, 'ubuntu-24.04-server-cloudimg-amd64.ova'), 'appliance');
      env = {
        ...process.env,
        PATH: `${FAKES_DIR}:${process.env.PATH}`,
        FLOTILLA_HOME: home,
        FAKE_MULTIPASS_STATE: fake.stateDir,
        FAKE_VBOX_STATE: fake.stateDir,
        // VirtualBox nodes need a cloud image; the fake only checks that the file is there.
        FLOTILLA_VIRTUALBOX_IMAGE: join(fake.stateDir, 'ubuntu-24.04-server-cloudimg-amd64.ova'),
        FAKE_VM_NETWORK: fake.network,
        FAKE_VM_IMAGES: testImageArchives().pause,
      };
    });

    afterAll(async () => {
      if (env) await flotilla(['cluster', 'delete', name], env);
      if (fake) await destroyFakeHost(fake);
      if (home) rmSync(home, { recursive: true, force: true });
    }, 300_000);

    it('creates a cluster whose node reaches Ready, reporting every step', async () => {
      const created = await flotilla(
        ['cluster', 'create', name, '--provider', provider, '--nodes', String(nodeCount), '--output', 'json'],
        env,
      );
      expect(created.stderr + created.stdout).not.toMatch(/"status":"failed"/);
      expect(created.code).toBe(0);
      const events = created.stdout
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map(
          (line) =>
            JSON.parse(line) as {
              step?: string;
              node?: string;
              status?: string;
              event?: string;
              kubeconfig?: string;
            },
        );
      const done = events.filter((e) => e.status === 'done').map((e) => e.step);
      for (const step of ['create node', 'SSH up', 'install agent', 'agent up', 'node Ready'])
        expect(done).toContain(step);
      const kubeconfig = events.find((e) => e.event === 'ready')!.kubeconfig!;
      // The node is a VM the fake CLI made.
      const launches = readFileSync(join(fake.stateDir, 'calls.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { argv: string[] }).argv)
        .filter((argv) => argv[0] === create);
      expect(launches).toHaveLength(nodeCount);
      if (nodeCount > 1) {
        // Side by side: the last VM's creation starts before the first one's is done.
        const at = (node: string, status: string) =>
          events.findIndex((e) => e.step === 'create node' && e.node === node && e.status === status);
        expect(at(`node-${nodeCount}`, 'started')).toBeLessThan(at('node-1', 'done'));
      }
      const nodes = await waitFor(async () => {
        const r = await kubectl(
          [
            'get',
            'nodes',
            '-o',
            'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
          ],
          {
            kubeconfig,
          },
        );
        return r.code === 0 && r.stdout.split('=True').length - 1 === nodeCount ? r.stdout : undefined;
      }, 300_000);
      expect(nodes!.trim().split('\n')).toHaveLength(nodeCount);
      const list = await flotilla(['cluster', 'list', '--output', 'json'], env);
      expect(list.stdout).toContain(name);
    }, 900_000);

    it.runIf(provider === 'multipass')(
      'follows a VM that got a new address after the host slept: same Node, new InternalIP',
      async () => {
        const kubeconfig = join(home, 'clusters', name, 'kubeconfig.yaml');
        const nodeJson = async () => {
          const r = await kubectl(['get', 'nodes', '-o', 'json'], { kubeconfig });
          return (
            JSON.parse(r.stdout) as {
              items: {
                metadata: { name: string; uid: string };
                status: {
                  addresses: { type: string; address: string }[];
                  conditions: { type: string; status: string }[];
                };
              }[];
            }
          ).items[0]!;
        };
        const internalIP = (n: Awaited<ReturnType<typeof nodeJson>>) =>
          n.status.addresses.find((a) => a.type === 'InternalIP')?.address;
        const before = await nodeJson();
        const [instance] = readdirSync(join(fake.stateDir, 'instances')).map((f) => f.replace(/\.json$/, ''));
        writeFileSync(join(fake.stateDir, `slept-${instance}`), '');
        const after = await waitFor(
          async () => {
            const n = await nodeJson();
            const ready = n.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
            return internalIP(n) !== internalIP(before) && ready ? n : undefined;
          },
          300_000,
          'the node to be re-registered at its new address',
          1_000,
        );
        expect(after!.metadata).toEqual(
          expect.objectContaining({ name: before.metadata.name, uid: before.metadata.uid }),
        );
        const stored = JSON.parse(readFileSync(join(home, 'clusters', name, 'nodes.json'), 'utf8')) as
          { address: string }[] | { nodes: { address: string }[] };
        expect(JSON.stringify(stored)).toContain(`"${internalIP(after!)}"`);
      },
      600_000,
    );

    it('deleting the cluster deletes its VM', async () => {
      const deleted = await flotilla(['cluster', 'delete', name], env);
      expect(deleted.code).toBe(0);
      expect(readFileSync(join(fake.stateDir, 'calls.jsonl'), 'utf8')).toMatch(remove);
    }, 300_000);
  },
);
