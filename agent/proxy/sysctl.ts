// Kernel settings kube-proxy depends on, in the network namespace the agent runs in.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from '../../api/client/index.ts';

/**
 * Bridged traffic must go through iptables (br_netfilter's bridge-nf-call-iptables): a pod that
 * reaches a service whose endpoint sits on the same bridge gets its reply straight over the
 * bridge, and without this the reply is never un-DNATed. Since Linux 5.3 the setting is per
 * network namespace; where br_netfilter is not loaded the file is missing and we say so.
 */
export function enableKernelSettings(logger: Logger): void {
  const settings: [string, string, string][] = [
    [
      '/proc/sys/net/bridge/bridge-nf-call-iptables',
      '1',
      'replies from pods on the same bridge are not un-NATed (load br_netfilter)',
    ],
    ['/proc/sys/net/ipv4/ip_forward', '1', 'service traffic to other nodes is not forwarded'],
  ];
  for (const [file, value, consequence] of settings) {
    if (!existsSync(file)) {
      logger.warn(`kernel setting missing: ${consequence}`, { sysctl: file });
      continue;
    }
    try {
      if (readFileSync(file, 'utf8').trim() !== value) writeFileSync(file, value);
    } catch (err) {
      logger.warn(`cannot set kernel setting: ${consequence}`, { sysctl: file, error: String(err) });
    }
  }
}
