// Restart back-off per container (upstream kubelet's flowcontrol.Backoff with 10 s initial and
// 5 min cap): each restart of a container that exited doubles its wait; a container that ran
// longer than twice the cap starts over from the initial wait.
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  delayMs: number;
  lastRestartAt: number;
}

export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * How long a container that finished at `finishedAt` (ms) must still wait before it may be
   * restarted; 0 when it may restart now.
   */
  remainingMs(key: string, finishedAt: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, finishedAt + entry.delayMs - this.now());
  }

  /** Records a restart: the next one waits twice as long (up to the cap). */
  restarted(key: string): void {
    const now = this.now();
    const entry = this.entries.get(key);
    if (!entry || now - entry.lastRestartAt > 2 * this.maxMs) {
      this.entries.set(key, { delayMs: this.initialMs, lastRestartAt: now });
      return;
    }
    entry.delayMs = Math.min(entry.delayMs * 2, this.maxMs);
    entry.lastRestartAt = now;
  }

  /** The wait the next restart will get, for messages ("back-off 20s restarting ..."). */
  currentDelayMs(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
