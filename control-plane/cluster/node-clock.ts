// Clock skew after the host resumes from sleep: a VM's clock can stand still while suspended,
// and a node an hour behind rejects certificates that are "not yet valid" (and its Lease looks
// stale). Before anything checks certificates, compare the node's clock with ours over SSH and
// set it when it is off by more than a few seconds, where the provider lets us own the clock.
import type { SshSession } from '../provision/install/index.ts';
import type { ProviderName } from '../provision/provider.ts';

/** Beyond this the node's clock is set (certificate checks and heartbeats tolerate less). */
export const MAX_CLOCK_SKEW_SECONDS = 5;

/**
 * Whose clock we may set: VMs we created, yes. netns nodes share this computer's clock, and an
 * existing host is the user's machine with its own time sync: there we only report the skew.
 */
export function mayCorrectClock(provider: ProviderName): boolean {
  return provider === 'multipass' || provider === 'virtualbox';
}

export interface ClockCheck {
  /** Node minus us, in seconds. */
  skewSeconds: number;
  corrected: boolean;
}

export async function checkNodeClock(
  ssh: SshSession,
  opts: { correct: boolean; now?: () => number; maxSkewSeconds?: number },
): Promise<ClockCheck> {
  const now = opts.now ?? Date.now;
  const before = now();
  const answer = await ssh.run('date +%s');
  // The round trip's midpoint is our best guess of when the node read its clock.
  const ours = (before + now()) / 2000;
  const theirs = Number(answer.trim());
  if (!Number.isFinite(theirs)) throw new Error(`the node's date +%s answered ${JSON.stringify(answer)}`);
  const skewSeconds = Math.round(theirs - ours);
  if (Math.abs(skewSeconds) <= (opts.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS) || !opts.correct)
    return { skewSeconds, corrected: false };
  await ssh.run(`date -u -s @${Math.round(now() / 1000)} >/dev/null`);
  return { skewSeconds, corrected: true };
}

export function describeSkew(check: ClockCheck): string {
  const off = `${Math.abs(check.skewSeconds)} s ${check.skewSeconds > 0 ? 'ahead' : 'behind'}`;
  return check.corrected
    ? `the node's clock was ${off}: set it to this computer's time`
    : `warning: the node's clock is ${off} of this computer's; certificates may look invalid until it is corrected`;
}
