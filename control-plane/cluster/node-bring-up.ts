// One node from "the provider says it answers on SSH" to "Ready": the per-node steps after
// `create node` (contract 7), the same for every provider. The Node's state is read through
// the API with the admin credential; the agent itself runs with its own.
import type { Client } from '../../api/client/index.ts';
import { isNotFound } from '../../api/client/index.ts';
import {
  connectSsh,
  HostKeyMismatchError,
  installAgent,
  startAgent,
  type AgentInstallSettings,
  type SshSession,
} from '../provision/install/index.ts';
import type { ProvisionedNode } from '../provision/provider.ts';
import { checkNodeClock, describeSkew, MAX_CLOCK_SKEW_SECONDS, mayCorrectClock } from './node-clock.ts';
import type { ProgressLog } from './progress.ts';

export interface BringUpContext {
  log: ProgressLog;
  client: Client;
  privateKey: string;
  /** The install settings for this node (its credential is minted per node). */
  settings(node: ProvisionedNode): Promise<AgentInstallSettings>;
  signal?: AbortSignal;
  /** How long each wait may take. */
  timeoutMs?: number;
}

/** Connects, retrying while the host is still coming up; a wrong host key fails at once. */
export async function connectWhenUp(
  node: ProvisionedNode,
  privateKey: string,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<SshSession> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    try {
      return await connectSsh(node, { privateKey, signal: opts.signal, timeoutMs: 20_000 });
    } catch (error) {
      if (error instanceof HostKeyMismatchError || opts.signal?.aborted || Date.now() > deadline) throw error;
      await sleep(POLL_MS, opts.signal);
    }
  }
}

/**
 * SSH up, install agent (unless `install` is false: a restart), agent up (the process runs and
 * its Node is registered), node Ready.
 */
export async function bringUpNode(
  node: ProvisionedNode,
  c: BringUpContext,
  opts: { install: boolean },
): Promise<void> {
  const timeoutMs = c.timeoutMs ?? 180_000;
  // After a restart the Node may still say Ready from before: only a newer heartbeat or Lease
  // renewal counts.
  const since = Date.now() - 2_000;
  const ssh = await c.log.step('SSH up', node.name, async (progress) => {
    const session = await connectWhenUp(node, c.privateKey, { signal: c.signal, timeoutMs });
    await correctClockBeforeCertificates(session, node, progress);
    return session;
  });
  try {
    if (opts.install) {
      await c.log.step('install agent', node.name, async (progress) => {
        progress('uploading the agent and writing its config');
        await installAgent(ssh, node, await c.settings(node), { progress, signal: c.signal });
      });
    }
    await c.log.step('agent up', node.name, async () => {
      await startAgent(ssh, node);
      await waitUntil(
        async () => (await nodeObject(c.client, node.name)) !== undefined,
        timeoutMs,
        c.signal,
        () => agentLogHint(ssh, node),
      );
    });
  } finally {
    ssh.close();
  }
  await c.log.step('node Ready', node.name, () =>
    waitUntil(
      async () =>
        isReady(await nodeObject(c.client, node.name)) &&
        Math.max(
          heartbeatOf(await nodeObject(c.client, node.name)),
          await leaseRenewedAt(c.client, node.name),
        ) >= since,
      timeoutMs,
      c.signal,
    ),
  );
}

/** Resumed VMs may have a stale clock; a skew is reported, and corrected where we may. */
async function correctClockBeforeCertificates(
  ssh: SshSession,
  node: ProvisionedNode,
  progress: (message: string) => void,
): Promise<void> {
  try {
    const check = await checkNodeClock(ssh, { correct: mayCorrectClock(node.provider) });
    if (check.skewSeconds !== 0 && (check.corrected || Math.abs(check.skewSeconds) > MAX_CLOCK_SKEW_SECONDS))
      progress(describeSkew(check));
  } catch (error) {
    progress(`warning: could not check the node's clock: ${(error as Error).message}`);
  }
}

export async function nodeObject(client: Client, name: string): Promise<any> {
  try {
    return await client.resource('v1', 'Node').get(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function isReady(node: any): boolean {
  return node?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function heartbeatOf(node: any): number {
  const ready = node?.status?.conditions?.find((c: any) => c.type === 'Ready');
  return Date.parse(ready?.lastHeartbeatTime ?? '') || 0;
}

/** When the node's Lease was last renewed (every 10 s by a live agent), in ms; 0 if never. */
async function leaseRenewedAt(client: Client, name: string): Promise<number> {
  try {
    const lease: any = await client
      .resource('coordination.k8s.io/v1', 'Lease')
      .namespace('kube-node-lease')
      .get(name);
    return Date.parse(lease?.spec?.renewTime ?? '') || 0;
  } catch {
    return 0;
  }
}

async function agentLogHint(ssh: SshSession, node: ProvisionedNode): Promise<string> {
  const log = await ssh.exec(`tail -n 15 ${node.agent.dataDir}/agent.log 2>/dev/null`).catch(() => undefined);
  return log?.stdout.trim() ? `the agent's log ends with:\n${log.stdout.trim()}` : '';
}

export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  signal?: AbortSignal,
  explain?: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new Error('cancelled');
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      const why = explain ? await explain().catch(() => '') : '';
      throw new Error(`not done after ${Math.round(timeoutMs / 1000)} s${why ? `; ${why}` : ''}`);
    }
    await sleep(POLL_MS, signal);
  }
}

/**
 * How often bring-up checks SSH, the Node and its Ready condition. Each check is a loopback
 * request or connect; at 500 ms a 3-node create waited ~250 ms per step per node for nothing.
 */
const POLL_MS = 200;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // The listener goes when the timer fires: polls would otherwise pile them up on the signal.
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
