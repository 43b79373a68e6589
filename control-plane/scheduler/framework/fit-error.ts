// The message of a pod that fits nowhere, word for word like upstream's FitError.Error():
//   0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No
//   preemption victims found for incoming pod.
// Reasons are counted over nodes and sorted as strings ("count reason"); a preFilter rejection
// replaces the per-node histogram.
import type { Status } from './status.ts';

export const ErrNoNodesAvailable = 'no nodes available to schedule pods';

export function fitErrorMessage(
  numAllNodes: number,
  statuses: ReadonlyMap<string, Status>,
  opts: { preFilterMsg?: string; postFilterMsg?: string } = {},
): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (opts.preFilterMsg) {
    msg += ` ${opts.preFilterMsg}.`;
  } else {
    const histogram = new Map<string, number>();
    for (const s of statuses.values())
      for (const r of s.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
    const parts = [...histogram].map(([reason, n]) => `${n} ${reason}`).sort();
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  // The postFilter message is a sentence of its own ("preemption: ... .").
  if (opts.postFilterMsg) msg += ` ${opts.postFilterMsg}`;
  return msg;
}
