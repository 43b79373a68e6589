// Switching modes (upstream's CleanupLeftovers): the mode that starts removes what the other one
// wrote, so a node never runs two sets of service rules. Only our own objects go: the jumps from
// the built-in chains into KUBE-* chains, the KUBE-* chains iptables mode writes, and the nftables
// mode's one table.
import type { Logger } from '../../api/client/index.ts';
import { isServiceChain } from './chain-names.ts';
import { JUMPS, parseSave, type Iptables } from './iptables.ts';
import type { Nft } from './nftables/nft.ts';
import {
  KUBE_EXTERNAL_SERVICES,
  KUBE_FORWARD,
  KUBE_MARK_MASQ,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
} from './rules.ts';

const TOP_LEVEL = new Set([
  KUBE_SERVICES,
  KUBE_EXTERNAL_SERVICES,
  KUBE_FORWARD,
  KUBE_NODEPORTS,
  KUBE_PROXY_FIREWALL,
  KUBE_POSTROUTING,
  KUBE_MARK_MASQ,
]);

/** iptables-restore input that removes iptables mode's jumps and chains; undefined when there are none. */
export function iptablesCleanupText(save: string): string | undefined {
  const saved = parseSave(save);
  const out: string[] = [];
  let found = false;
  for (const table of ['filter', 'nat'] as const) {
    const jumps: string[] = [];
    for (const j of JUMPS) {
      if (j.table !== table) continue;
      const spec = `-m comment --comment "${j.comment}"${j.extra.length ? ` ${j.extra.join(' ')}` : ''} -j ${j.chain}`;
      if (saved.rules.get(table)?.has(`-A ${j.from} ${spec}`)) jumps.push(`-D ${j.from} ${spec}`);
    }
    const ours = [...(saved.chains.get(table) ?? [])].filter((c) => TOP_LEVEL.has(c) || isServiceChain(c));
    if (jumps.length === 0 && ours.length === 0) continue;
    found = true;
    // A chain line flushes the chain; once no rule refers to it, it can go.
    out.push(
      `*${table}`,
      ...jumps,
      ...ours.map((c) => `:${c} - [0:0]`),
      ...ours.map((c) => `-X ${c}`),
      'COMMIT',
    );
  }
  return found ? `${out.join('\n')}\n` : undefined;
}

export async function removeIptablesLeftovers(iptables: Iptables, logger: Logger): Promise<void> {
  const text = iptablesCleanupText(await iptables.save());
  if (!text) return;
  await iptables.restore(text);
  logger.info('removed iptables-mode kube-proxy rules (now nftables mode)');
}

export async function removeNftablesLeftovers(nft: Nft, logger: Logger): Promise<void> {
  if (await nft.deleteTable()) logger.info('removed nftables-mode table ip kube-proxy (now iptables mode)');
}
