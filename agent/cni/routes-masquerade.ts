// Pod-to-pod traffic keeps its source address: the bridge CNI plugin masquerades everything
// leaving the podCIDR, so traffic to the clusterCIDR returns from POSTROUTING first. A rule
// someone else made (the netns provider's) is enough; ours carries a comment to be found again.
import { run } from './routes-ip.ts';

export const NO_MASQUERADE_COMMENT = 'flotilla: pod-to-pod without NAT';

export async function ensurePodToPodReturn(podCIDR: string, clusterCIDR: string): Promise<boolean> {
  const rules = await run('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING']);
  if (hasReturnRule(rules, podCIDR, clusterCIDR)) return false;
  await run('iptables', [
    '-w',
    '-t',
    'nat',
    '-I',
    'POSTROUTING',
    '1',
    '-s',
    podCIDR,
    '-d',
    clusterCIDR,
    '-m',
    'comment',
    '--comment',
    NO_MASQUERADE_COMMENT,
    '-j',
    'RETURN',
  ]);
  return true;
}

/** Whether `iptables -S` output holds a RETURN from podCIDR to clusterCIDR. */
export function hasReturnRule(rules: string, podCIDR: string, clusterCIDR: string): boolean {
  return rules
    .split('\n')
    .some(
      (line) =>
        line.startsWith('-A POSTROUTING ') &&
        line.includes(` -s ${podCIDR} `) &&
        line.includes(` -d ${clusterCIDR} `) &&
        / -j RETURN\b/.test(line),
    );
}
