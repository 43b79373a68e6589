// Keeps the desktop's control plane (a utilityProcess running control-plane-process.ts) alive:
// when it exits unexpectedly or its heartbeat stops, it is started again after 1 s, 2 s, 4 s ...
// (at most 30 s apart); once it has stayed up a minute the count starts over. After
// `maxAttempts` failed starts in a row it gives up and reports `failed` with the last error, so
// the app shows a real error instead of restarting forever; retry() tries again. Nothing is
// restarted while the app quits (stop()). No Electron import: main passes a spawn function,
// and the unit test a fake child with fake timers.

/** What main needs of the child: Electron's UtilityProcess fits (see index.ts). */
export interface ControlPlaneChild {
  onMessage(listener: (message: ChildMessage) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

/** What control-plane-process.ts sends. */
export type ChildMessage =
  | { type: 'ready'; apiUrl: string; kubeconfigPath: string; loginUrl: string; caPath: string }
  | { type: 'failed'; error: string }
  | { type: 'heartbeat' };

export type ReadyMessage = Extract<ChildMessage, { type: 'ready' }>;

export type ControlPlaneState =
  | { phase: 'starting'; attempt: number }
  | { phase: 'running' }
  /** Waiting `delayMs` before attempt `attempt`, after `lastError`. */
  | { phase: 'restarting'; attempt: number; delayMs: number; lastError: string }
  | { phase: 'failed'; error: string }
  | { phase: 'stopped' };

export interface RestartPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Up this long after ready: the next failure starts the back-off over. */
  stableAfterMs: number;
  /** The child says it is alive every 5 s; this long without a word means it hangs. */
  heartbeatTimeoutMs: number;
  /** From spawn to ready (a first start makes certificates). */
  startupTimeoutMs: number;
  /** Failed starts in a row before giving up. */
  maxAttempts: number;
  /** After SIGTERM, how long before SIGKILL. */
  stopTimeoutMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
  heartbeatTimeoutMs: 20_000,
  startupTimeoutMs: 120_000,
  maxAttempts: 10,
  stopTimeoutMs: 10_000,
};

export interface ControlPlaneSupervisorOptions {
  spawn(): ControlPlaneChild;
  onState(state: ControlPlaneState): void;
  /** Each time a (re)started control plane is ready: its URLs change with every start. */
  onReady(ready: ReadyMessage): void;
  policy?: Partial<RestartPolicy>;
}

/** The wait before the n-th restart in a row (1-based): 1 s, 2 s, 4 s ... capped. */
export function restartDelay(failuresInARow: number, policy: RestartPolicy = defaultRestartPolicy): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.max(0, failuresInARow - 1), policy.maxDelayMs);
}

/** One line for the tray and diagnostics. */
export function describeControlPlaneState(state: ControlPlaneState): string {
  switch (state.phase) {
    case 'starting':
      return state.attempt > 1 ? `starting (attempt ${state.attempt})` : 'starting';
    case 'running':
      return 'running';
    case 'restarting':
      return `restarting (attempt ${state.attempt}) in ${Math.round(state.delayMs / 1000)} s: ${state.lastError}`;
    case 'failed':
      return `failed: ${state.error}`;
    case 'stopped':
      return 'stopped';
  }
}

export class ControlPlaneSupervisor {
  private readonly policy: RestartPolicy;
  private child?: ControlPlaneChild;
  private current: ControlPlaneState = { phase: 'stopped' };
  /** Failed starts since the last one that stayed up `stableAfterMs`. */
  private failures = 0;
  private lastError = '';
  private stopping = false;
  private restartTimer?: ReturnType<typeof setTimeout>;
  private watchdog?: ReturnType<typeof setTimeout>;
  private stableTimer?: ReturnType<typeof setTimeout>;
  private exited?: Promise<void>;

  constructor(private readonly opts: ControlPlaneSupervisorOptions) {
    this.policy = { ...defaultRestartPolicy, ...opts.policy };
  }

  get state(): ControlPlaneState {
    return this.current;
  }

  start(): void {
    this.stopping = false;
    if (this.child || this.restartTimer) return;
    this.launch();
  }

  /** After `failed`: start again now, with a fresh back-off (a live child is killed and restarted). */
  retry(): void {
    if (this.stopping) return;
    this.failures = 0;
    this.clearTimer('restartTimer');
    if (this.child)
      this.child.kill('SIGKILL'); // its exit launches the next one
    else this.launch();
  }

  /**
   * The control plane runs but main cannot use it (its login failed, say): kill it and restart
   * it like a crash, with `reason` as the error shown meanwhile.
   */
  restart(reason: string): void {
    if (!this.child || this.stopping) return;
    this.lastError = reason;
    this.child.kill('SIGKILL');
  }

  /** For quitting: no more restarts; SIGTERM, then SIGKILL if it does not exit in time. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.clearTimer('restartTimer');
    this.clearTimer('watchdog');
    this.clearTimer('stableTimer');
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), this.policy.stopTimeoutMs);
      let giveUp!: ReturnType<typeof setTimeout>;
      // Quitting must never hang on a child that cannot even be killed.
      await Promise.race([
        this.exited,
        new Promise<void>((resolve) => (giveUp = setTimeout(resolve, 2 * this.policy.stopTimeoutMs))),
      ]);
      clearTimeout(force);
      clearTimeout(giveUp);
    }
    this.setState({ phase: 'stopped' });
  }

  private launch(): void {
    const attempt = this.failures + 1;
    this.setState({ phase: 'starting', attempt });
    let child: ControlPlaneChild;
    try {
      child = this.opts.spawn();
    } catch (error) {
      this.failed(error instanceof Error ? error.message : String(error));
      return;
    }
    this.child = child;
    let signalExit!: () => void;
    this.exited = new Promise((resolve) => (signalExit = resolve));
    this.watch(this.policy.startupTimeoutMs, 'the control plane did not become ready');
    child.onMessage((message) => {
      if (this.child !== child) return;
      if (message.type === 'heartbeat') {
        if (this.current.phase === 'running') this.watch(this.policy.heartbeatTimeoutMs, 'heartbeat');
      } else if (message.type === 'failed') {
        this.lastError = message.error;
      } else if (message.type === 'ready') {
        this.watch(this.policy.heartbeatTimeoutMs, 'heartbeat');
        this.stableTimer = setTimeout(() => (this.failures = 0), this.policy.stableAfterMs);
        this.setState({ phase: 'running' });
        this.opts.onReady(message);
      }
    });
    child.onExit((code) => {
      signalExit();
      if (this.child !== child) return;
      this.child = undefined;
      this.clearTimer('watchdog');
      this.clearTimer('stableTimer');
      if (this.stopping) return;
      const why = this.lastError || `the control plane exited with code ${code}`;
      this.lastError = '';
      this.failed(why);
    });
  }

  /** (Re)arms the watchdog: a child silent for `ms` is killed and counts as failed. */
  private watch(ms: number, what: string): void {
    this.clearTimer('watchdog');
    this.watchdog = setTimeout(() => {
      const child = this.child;
      if (!child) return;
      this.lastError =
        what === 'heartbeat'
          ? `the control plane stopped answering (no heartbeat for ${Math.round(ms / 1000)} s)`
          : `${what} within ${Math.round(ms / 1000)} s`;
      // A hung event loop never runs a SIGTERM handler.
      child.kill('SIGKILL');
    }, ms);
  }

  private failed(error: string): void {
    this.failures++;
    if (this.failures >= this.policy.maxAttempts) {
      this.setState({ phase: 'failed', error });
      return;
    }
    const delayMs = restartDelay(this.failures, this.policy);
    this.setState({ phase: 'restarting', attempt: this.failures + 1, delayMs, lastError: error });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.launch();
    }, delayMs);
  }

  private clearTimer(which: 'restartTimer' | 'watchdog' | 'stableTimer'): void {
    if (this[which]) clearTimeout(this[which]);
    this[which] = undefined;
  }

  private setState(state: ControlPlaneState): void {
    this.current = state;
    this.opts.onState(state);
  }
}
