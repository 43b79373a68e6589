// The cluster supervisor (`flotilla cluster run NAME`, hidden): one detached process per
// running cluster holding its control plane and watching its nodes, so a cluster outlives the
// CLI or app that started it. It
//   - creates the nodes (create) or brings them back (start), then starts the control plane on
//     127.0.0.1 and on the address the nodes reach it at, then installs/starts every agent and
//     waits for each Node to be Ready, writing progress to events.jsonl;
//   - restarts a detached agent that died (agents route pods between nodes themselves);
//   - answers `node add`/`node remove`/`stop` on a unix socket (supervisor.sock);
//   - on SIGTERM stops the agents, the nodes and the control plane (pods are kept for start).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Client } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { TokenStore } from '../auth/index.ts';
import { ensureSshKeyPair } from '../provision/netns/keys.ts';
import {
  agentServiceRunning,
  connectSsh,
  startAgent,
  stopAgent,
  uninstallAgent,
  type NodeCredential,
  type SshSession,
} from '../provision/install/index.ts';
import type { NodeProvider, ProvisionContext, ProvisionedNode } from '../provision/provider.ts';
import { startControlPlane, type RunningControlPlane } from '../serve.ts';
import { bringUpNode, connectWhenUp, nodeObject, sleep, type BringUpContext } from './node-bring-up.ts';
import { importArchive, rememberedArchives } from './images.ts';
import { currentApiServerAddress, moveNodeAgent } from './node-address.ts';
import { checkNodeClock, mayCorrectClock } from './node-clock.ts';
import { nextNodeName, nextNodeNames, readNodes, writeNodes } from './nodes-file.ts';
import { clusterPaths, type ClusterPaths } from './paths.ts';
import { CLUSTER_STEP, ProgressLog, progressLogLine } from './progress.ts';
import { providerFor } from './providers.ts';
import { memoryMiB, readSpec, type ClusterSpec } from './spec.ts';

const SUPERVISE_EVERY_MS = 5_000;
/** Asking a provider for addresses runs its CLI (multipass info, VBoxManage): not every pass. */
const ADDRESS_CHECK_EVERY_MS = 30_000;

export interface SupervisorOptions {
  name: string;
  /** create: make the spec's nodes first; start: bring back those in nodes.json. */
  mode: 'create' | 'start';
}

/** Runs until stopped; resolves with the process exit code. */
export async function runSupervisor(opts: SupervisorOptions): Promise<number> {
  const supervisor = new Supervisor(opts.name, opts.mode);
  return supervisor.run();
}

class Supervisor {
  private readonly paths: ClusterPaths;
  private readonly spec: ClusterSpec;
  private readonly log: ProgressLog;
  private readonly abort = new AbortController();
  private provider!: NodeProvider;
  private nodes: ProvisionedNode[];
  private cp?: RunningControlPlane;
  private client?: Client;
  private privateKey = '';
  private publicKey = '';
  private ready = false;
  private stopping?: Promise<void>;
  /** Node operations one at a time (add, remove, supervision). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly sessions = new Map<string, SshSession>();
  /** Nodes that came back from `start` at another address: their agents must follow. */
  private readonly movedAtStart = new Set<string>();

  constructor(
    readonly name: string,
    private readonly mode: 'create' | 'start',
  ) {
    this.paths = clusterPaths(name);
    this.spec = readSpec(this.paths.spec);
    // Told in its own log too (supervisor.log): kept when a failed create removes the folder.
    this.log = new ProgressLog(this.paths.events, name, (e) => process.stderr.write(progressLogLine(e)));
    this.nodes = readNodes(this.paths.nodes);
  }

  async run(): Promise<number> {
    writeFileSync(this.paths.supervisorPid, `${process.pid}\n`);
    const onSignal = () => void this.stop();
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    const started = Date.now();
    try {
      const key = ensureSshKeyPair(this.paths.sshKey, `flotilla@${this.name}`);
      this.privateKey = key.privateKey;
      this.publicKey = key.publicKey;
      this.provider = await providerFor(this.spec.provider);
      if (this.mode === 'create') await this.createNodes();
      else await this.startNodes();
      await this.startControlPlane();
      for (const name of this.movedAtStart) await this.followNewAddress(name);
      await this.bringUpAll(this.mode === 'create');
      this.ready = true;
      this.log.emit({
        step: CLUSTER_STEP,
        status: 'done',
        elapsedMs: Date.now() - started,
        message: `kubeconfig: ${this.paths.kubeconfig}`,
      });
    } catch (error) {
      const err = error as Error & { step?: string; hint?: string };
      this.log.emit({
        step: CLUSTER_STEP,
        status: 'failed',
        elapsedMs: Date.now() - started,
        message: this.abort.signal.aborted ? 'cancelled' : err.message,
        hint: err.hint,
      });
      await this.teardownAfterFailure();
      return 1;
    }
    const socket = await this.serveControlSocket();
    const supervising = this.superviseLoop();
    await new Promise<void>((resolve) =>
      this.abort.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await supervising;
    await this.stopping;
    socket.close();
    removeStaleSocket(this.paths.supervisorSocket);
    rmSync(this.paths.supervisorPid, { force: true });
    return 0;
  }

  private ctx(progress: (message: string) => void = () => {}): ProvisionContext {
    return {
      cluster: this.name,
      clusterDir: this.paths.dir,
      sshPublicKey: this.publicKey,
      progress,
      signal: this.abort.signal,
    };
  }

  private async createNodes(): Promise<void> {
    const planned = nextNodeNames(this.nodes, this.spec.nodes - this.nodes.length);
    if (this.provider.name === 'netns') {
      // netns nodes take half a second each and share the bridge the first one makes.
      for (const { name, index } of planned) {
        if (this.abort.signal.aborted) throw new Error('cancelled');
        await this.createOneNode(name, index);
      }
      return;
    }
    // VMs take minutes to create and boot: make them side by side. A failed one cleans up after
    // itself; the others are kept in nodes.json so the failure path deletes them.
    const results = await Promise.allSettled(
      planned.map(({ name, index }) => this.createOneNode(name, index)),
    );
    const order = new Map(planned.map(({ name }, i) => [name, i]));
    this.nodes.sort((a, b) => (order.get(a.name) ?? -1) - (order.get(b.name) ?? -1));
    writeNodes(this.paths.nodes, this.nodes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async createOneNode(requested?: string, plannedIndex?: number): Promise<ProvisionedNode> {
    const next = nextNodeName(this.nodes);
    const name = requested ?? next.name;
    if (this.nodes.some((n) => n.name === name)) throw new Error(`node ${name} already exists`);
    const index = plannedIndex ?? (requested ? this.freeIndex() : next.index);
    const node = await this.log.step('create node', name, (progress) =>
      this.provider.createNode(
        {
          name,
          index,
          cpus: this.spec.cpus ?? 2,
          memoryMiB: memoryMiB(this.spec.memory) ?? 2048,
          diskGiB: this.spec.diskGiB ?? 20,
          options: this.spec.options,
        },
        this.ctx(progress),
      ),
    );
    this.nodes.push(node);
    writeNodes(this.paths.nodes, this.nodes);
    return node;
  }

  private freeIndex(): number {
    const used = new Set(this.nodes.map((n) => (n.state as { index?: number }).index));
    for (let index = 1; ; index++) if (!used.has(index)) return index;
  }

  private async startNodes(): Promise<void> {
    for (const [i, node] of this.nodes.entries()) {
      this.nodes[i] = await this.log.step('start node', node.name, (progress) =>
        this.provider.startNode(node, this.ctx(progress)),
      );
      const started = this.nodes[i]!;
      if (started.address !== node.address || started.apiServerAddress !== node.apiServerAddress)
        this.movedAtStart.add(node.name);
    }
    writeNodes(this.paths.nodes, this.nodes);
  }

  private async startControlPlane(): Promise<void> {
    const listenAddresses = [...new Set(this.nodes.map((n) => n.apiServerAddress))];
    this.cp = await this.log.step(
      'control plane',
      undefined,
      () =>
        startControlPlane({
          dataDir: this.paths.dir,
          port: this.spec.port ?? 0,
          listenAddresses,
          controllers: {},
          // NodePorts, load balancers and the ingress on localhost: node IPs are not routable
          // from the desktop on macOS and Windows.
          hostPorts: true,
        }),
      (cp) => cp.apiUrl,
    );
    nameContextsAfterCluster(this.cp.kubeconfigPath, this.name);
    this.client = new Client(nodeTransportFromKubeconfig({ kubeconfig: this.cp.kubeconfigPath }));
  }

  private bringUpContext(): BringUpContext {
    return {
      log: this.log,
      client: this.client!,
      privateKey: this.privateKey,
      signal: this.abort.signal,
      settings: async (node) => ({
        cluster: this.name,
        apiServerUrl: `https://${node.apiServerAddress}:${this.cp!.port}`,
        caCertPem: readFileSync(join(this.paths.dir, 'pki', 'ca.crt'), 'utf8'),
        credential: await this.credentialFor(node.name),
        ...(this.spec.registries ? { registries: this.spec.registries } : {}),
        ...(this.spec.proxyMode ? { proxyMode: this.spec.proxyMode } : {}),
      }),
    };
  }

  /** All nodes at once; the first failure is reported after the others settle. */
  private async bringUpAll(install: boolean): Promise<void> {
    const results = await Promise.allSettled(
      this.nodes.map((node) => bringUpNode(node, this.bringUpContext(), { install })),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * A short-lived bootstrap token bound to the node: the agent trades it for its own client
   * certificate (CSR). FLOTILLA_NODE_CREDENTIAL=token gives a bearer token for
   * system:node:<name> instead, to tell a join problem from anything else.
   */
  private async credentialFor(nodeName: string): Promise<NodeCredential> {
    if (process.env['FLOTILLA_NODE_CREDENTIAL'] !== 'token')
      return { bootstrapToken: await this.cp!.issueBootstrapToken({ nodeName, ttlSeconds: 3600 }) };
    const tokens = TokenStore.open(join(this.paths.dir, 'tokens.json'));
    const issued = tokens.issue(
      { username: `system:node:${nodeName}`, groups: ['system:nodes'] },
      { description: `node ${nodeName} of cluster ${this.name}` },
    );
    return { nodeToken: issued.token };
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async session(node: ProvisionedNode): Promise<SshSession> {
    let ssh = this.sessions.get(node.name);
    if (!ssh) {
      ssh = await connectSsh(node, { privateKey: this.privateKey, timeoutMs: 10_000 });
      this.sessions.set(node.name, ssh);
    }
    return ssh;
  }

  private dropSession(name: string): void {
    this.sessions.get(name)?.close();
    this.sessions.delete(name);
  }

  /**
   * The provider's view of a node's address (a VM's may change after the host sleeps): when it
   * differs from the stored one, the node is re-registered at the new address (moveNodeAgent).
   */
  private async followAddressChanges(): Promise<void> {
    for (const node of [...this.nodes]) {
      if (this.abort.signal.aborted) return;
      const address = await this.provider.address(node, this.ctx()).catch(() => undefined);
      if (!address || address === node.address) continue;
      this.nodes = this.nodes.map((n) => (n.name === node.name ? { ...n, address } : n));
      writeNodes(this.paths.nodes, this.nodes);
      await this.followNewAddress(node.name, node.address).catch(() => {
        // Logged as a failed step; the next pass tries again.
        this.nodes = this.nodes.map((n) => (n.name === node.name ? node : n));
        writeNodes(this.paths.nodes, this.nodes);
      });
    }
  }

  /**
   * Points the node's agent at the node's (new) stored address and restarts it there; when the
   * node now reaches the API server at another address too, the control plane listens there
   * as well and the agent's server URL follows.
   */
  private async followNewAddress(name: string, from?: string): Promise<void> {
    let node = this.nodes.find((n) => n.name === name)!;
    this.dropSession(name);
    await this.log.step('node address', name, async (progress) => {
      progress(
        `the node's address changed${from ? ` from ${from}` : ''} to ${node.address}: re-registering it`,
      );
      const ssh = await connectWhenUp(node, this.privateKey, {
        signal: this.abort.signal,
        timeoutMs: 60_000,
      });
      try {
        // A node that slept with the host may have a stale clock: fix it before certificates.
        await checkNodeClock(ssh, { correct: mayCorrectClock(node.provider) }).catch(() => undefined);
        const apiServerAddress = await currentApiServerAddress(node, this.privateKey, this.abort.signal);
        if (apiServerAddress !== node.apiServerAddress) {
          progress(`it reaches the API server at ${apiServerAddress} now, not ${node.apiServerAddress}`);
          await this.cp!.addListenAddress(apiServerAddress);
          node = { ...node, apiServerAddress };
          this.nodes = this.nodes.map((n) => (n.name === name ? node : n));
          writeNodes(this.paths.nodes, this.nodes);
        }
        await moveNodeAgent(ssh, node, await this.bringUpContext().settings(node));
      } finally {
        ssh.close();
      }
    });
  }

  /** Follows address changes and restarts detached agents that died. */
  private async superviseLoop(): Promise<void> {
    let addressesCheckedAt = Date.now();
    while (!this.abort.signal.aborted) {
      await sleep(SUPERVISE_EVERY_MS, this.abort.signal);
      if (this.abort.signal.aborted) break;
      if (Date.now() - addressesCheckedAt >= ADDRESS_CHECK_EVERY_MS) {
        addressesCheckedAt = Date.now();
        await this.serialized(() => this.followAddressChanges());
      }
      await this.serialized(async () => {
        for (const node of this.nodes) {
          if (node.agent.serviceManager !== 'detached' || this.abort.signal.aborted) continue;
          try {
            const ssh = await this.session(node);
            if (!(await agentServiceRunning(ssh, node))) {
              await startAgent(ssh, node);
              this.log.emit({
                step: 'agent up',
                node: node.name,
                status: 'progress',
                elapsedMs: 0,
                message: 'the agent had exited: restarted it',
              });
            }
          } catch {
            this.dropSession(node.name);
          }
        }
      });
    }
  }

  async addNode(requested?: string): Promise<ProvisionedNode> {
    return this.serialized(async () => {
      const node = await this.createOneNode(requested);
      try {
        await this.cp!.addListenAddress(node.apiServerAddress);
        await this.importRememberedImages(node);
        await bringUpNode(node, this.bringUpContext(), { install: true });
        return node;
      } catch (error) {
        await this.forgetNode(node);
        throw error;
      }
    });
  }

  /** What `image load` put on the other nodes goes on a new one before it can get pods. */
  private async importRememberedImages(node: ProvisionedNode): Promise<void> {
    const archives = rememberedArchives(this.paths.images);
    if (archives.length === 0) return;
    await this.log.step('load images', node.name, async (progress) => {
      const ssh = await connectWhenUp(node, this.privateKey, { signal: this.abort.signal });
      try {
        for (const archive of archives) {
          progress(`importing ${archive}`);
          await importArchive(ssh, node, archive);
        }
      } finally {
        ssh.close();
      }
    });
  }

  /** Drains the node (cordon, delete its pods and wait for them), uninstalls, deletes it. */
  async removeNode(name: string): Promise<void> {
    return this.serialized(async () => {
      const node = this.nodes.find((n) => n.name === name);
      if (!node) throw Object.assign(new Error(`cluster ${this.name} has no node ${name}`), { status: 404 });
      await this.log.step('drain node', name, () => this.drain(name));
      await this.log.step('remove node', name, async () => {
        this.dropSession(name);
        const ssh = await connectWhenUp(node, this.privateKey, { timeoutMs: 20_000 }).catch(() => undefined);
        if (ssh) {
          await uninstallAgent(ssh, node).catch(() => undefined);
          ssh.close();
        }
        await this.forgetNode(node);
      });
    });
  }

  private async forgetNode(node: ProvisionedNode): Promise<void> {
    await this.provider.deleteNode(node, this.ctx());
    this.nodes = this.nodes.filter((n) => n.name !== node.name);
    writeNodes(this.paths.nodes, this.nodes);
    const nodes = this.client!.resource('v1', 'Node');
    const obj = await nodeObject(this.client!, node.name).catch(() => undefined);
    if (obj) await nodes.delete(node.name).catch(() => undefined);
  }

  private async drain(name: string): Promise<void> {
    const client = this.client!;
    await client.resource('v1', 'Node').patch(name, 'merge', { spec: { unschedulable: true } });
    const pods = client.resource('v1', 'Pod');
    const onNode = async () =>
      (await pods.list({ fieldSelector: `spec.nodeName=${name}` })).items.filter(
        (p: any) => !p.metadata?.ownerReferences?.some((o: any) => o.kind === 'DaemonSet'),
      );
    for (const pod of await onNode()) {
      await pods
        .namespace(pod.metadata!.namespace!)
        .delete(pod.metadata!.name!)
        .catch(() => undefined);
    }
    const deadline = Date.now() + 120_000;
    while ((await onNode()).length > 0 && Date.now() < deadline) await sleep(500);
  }

  /** Stops the agents (their pods stay), the nodes, then the control plane. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      if (!this.ready) return; // a create or start in progress fails and cleans up itself
      await this.queue;
      for (const node of this.nodes) {
        this.dropSession(node.name);
        const ssh = await connectSsh(node, { privateKey: this.privateKey, timeoutMs: 10_000 }).catch(
          () => undefined,
        );
        if (ssh) {
          await stopAgent(ssh, node).catch(() => undefined);
          ssh.close();
        }
        await this.provider.stopNode(node, this.ctx()).catch(() => undefined);
      }
      this.client?.close();
      await this.cp?.close();
    })();
    return this.stopping;
  }

  /** A create that failed (or was cancelled) removes what it made; a start stops what it started. */
  private async teardownAfterFailure(): Promise<void> {
    for (const name of [...this.sessions.keys()]) this.dropSession(name);
    this.client?.close();
    await this.cp?.close().catch(() => undefined);
    const ctx = this.ctx();
    for (const node of this.nodes) {
      if (this.mode === 'create') await this.provider.deleteNode(node, ctx).catch(() => undefined);
      else await this.provider.stopNode(node, ctx).catch(() => undefined);
    }
    if (this.mode === 'create') {
      const withNetwork = this.provider as NodeProvider & {
        deleteNetwork?: (c: ProvisionContext) => Promise<void>;
      };
      await withNetwork.deleteNetwork?.(ctx).catch(() => undefined);
      this.nodes = [];
      writeNodes(this.paths.nodes, this.nodes);
    }
    rmSync(this.paths.supervisorPid, { force: true });
  }

  private async serveControlSocket() {
    removeStaleSocket(this.paths.supervisorSocket);
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error & { status?: number; step?: string; hint?: string }) =>
        reply(res, error.status ?? 500, { error: error.message, step: error.step, hint: error.hint }),
      );
    });
    await new Promise<void>((resolve) => server.listen(this.paths.supervisorSocket, resolve));
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://supervisor');
    const nodeMatch = /^\/nodes\/([a-z0-9-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/nodes') return reply(res, 200, { nodes: this.nodes });
    if (req.method === 'POST' && url.pathname === '/nodes') {
      const node = await this.addNode(url.searchParams.get('name') ?? undefined);
      return reply(res, 200, { node });
    }
    if (req.method === 'DELETE' && nodeMatch) {
      await this.removeNode(nodeMatch[1]!);
      return reply(res, 200, { removed: nodeMatch[1] });
    }
    if (req.method === 'POST' && url.pathname === '/stop') {
      reply(res, 202, { stopping: true });
      void this.stop();
      return;
    }
    reply(res, 404, { error: `no such supervisor request: ${req.method} ${url.pathname}` });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** kubectl shows the context as the cluster's name (`kubectl config get-contexts`). */
function nameContextsAfterCluster(file: string, cluster: string): void {
  if (!existsSync(file)) return;
  const config = parse(readFileSync(file, 'utf8')) as {
    contexts: { name: string }[];
    'current-context': string;
  };
  for (const context of config.contexts) context.name = cluster;
  config['current-context'] = cluster;
  writeFileSync(file, stringify(config), { mode: 0o600 });
}

/** A unix socket file outlives its server; a Windows named pipe goes with it (and is no file). */
function removeStaleSocket(path: string): void {
  if (process.platform !== 'win32') rmSync(path, { force: true });
}
