// The host side of a netns cluster: one Linux bridge that every node's veth plugs into, with
// the first address of the node subnet (the nodes' default gateway, and where they reach the
// control plane), plus the host iptables rules that let node traffic through.
import { run, tryRun } from './exec.ts';
import { bridgeName, iptablesComment } from './names.ts';
import { nthAddress, parseCidr } from './subnet.ts';

export interface BridgeSpec {
  cluster: string;
  /** e.g. 10.240.7.0/24; the bridge takes the first host address. */
  nodeSubnet: string;
}

export function bridgeAddress(nodeSubnet: string): string {
  return nthAddress(nodeSubnet, 1);
}

export async function createBridge({ cluster, nodeSubnet }: BridgeSpec): Promise<void> {
  const name = bridgeName(cluster);
  const { prefix } = parseCidr(nodeSubnet);
  await run('ip', ['link', 'add', name, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${bridgeAddress(nodeSubnet)}/${prefix}`, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
  await addHostRules(cluster, nodeSubnet);
}

export async function deleteBridge(cluster: string): Promise<void> {
  await deleteHostRules(cluster);
  await tryRun('ip', ['link', 'del', bridgeName(cluster)]);
}

export async function bridgeExists(cluster: string): Promise<boolean> {
  return (await tryRun('ip', ['link', 'show', bridgeName(cluster)])) !== undefined;
}

/** Host interfaces enslaved to the cluster bridge (the nodes' veth ends). */
export async function bridgePorts(cluster: string): Promise<string[]> {
  const out = await tryRun('ip', ['-o', 'link', 'show', 'master', bridgeName(cluster)]);
  return (out ?? '')
    .split('\n')
    .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

// Accept forwarding to and from the bridge even where the FORWARD policy is DROP (as Docker
// sets it; with br_netfilter bridged node-to-node frames traverse FORWARD too), and
// masquerade node traffic leaving the host so nodes can pull images where the host can.
function hostRules(cluster: string, nodeSubnet: string): string[][] {
  const br = bridgeName(cluster);
  const tag = ['-m', 'comment', '--comment', iptablesComment(cluster)];
  return [
    ['-t', 'filter', 'FORWARD', '-i', br, '-j', 'ACCEPT', ...tag],
    ['-t', 'filter', 'FORWARD', '-o', br, '-j', 'ACCEPT', ...tag],
    ['-t', 'nat', 'POSTROUTING', '-s', nodeSubnet, '!', '-o', br, '-j', 'MASQUERADE', ...tag],
  ];
}

async function addHostRules(cluster: string, nodeSubnet: string): Promise<void> {
  for (const [tableFlag, table, chain, ...rule] of hostRules(cluster, nodeSubnet)) {
    await run('iptables', ['-w', tableFlag!, table!, '-I', chain!, '1', ...rule]);
  }
}

/** Deletes every host iptables rule carrying this cluster's comment, whatever created it. */
export async function deleteHostRules(cluster: string): Promise<void> {
  for (const rule of await hostRulesOf(cluster)) {
    await tryRun('iptables', ['-w', '-t', rule.table, ...rule.deleteArgs]);
  }
}

export async function hostRulesOf(cluster: string): Promise<{ table: string; deleteArgs: string[] }[]> {
  const comment = iptablesComment(cluster);
  const found: { table: string; deleteArgs: string[] }[] = [];
  for (const table of ['filter', 'nat']) {
    const listing = (await tryRun('iptables', ['-w', '-t', table, '-S'])) ?? '';
    for (const line of listing.split('\n')) {
      if (!line.startsWith('-A ')) continue;
      // `-S` prints `-A CHAIN ... --comment "flotilla:NAME" ...` (quoted or not, by version).
      const args = splitRule(line.slice(3));
      const at = args.indexOf('--comment');
      if (at >= 0 && args[at + 1] === comment) found.push({ table, deleteArgs: ['-D', ...args] });
    }
  }
  return found;
}

function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}
