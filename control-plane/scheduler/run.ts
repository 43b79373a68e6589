// The scheduler as the control plane runs it: campaign for the kube-system/kube-scheduler Lease
// and schedule while holding it, so that of several control planes only one schedules. Each
// term gets a fresh Scheduler (and informers), as upstream restarts after losing the lease.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { silentLogger, type Logger } from '../../api/client/index.ts';
import { LeaderElector, type LeaderElectionConfig } from '../controllers/leader-election.ts';
import { childSignal } from './child-signal.ts';
import { Scheduler, type SchedulerConfig } from './scheduler.ts';

export interface RunningScheduler {
  readonly elector: LeaderElector;
  /** The scheduler of the current term, while leading. */
  current(): Scheduler | undefined;
  /** Stop scheduling, release the lease; resolves when everything has stopped. */
  stop(): Promise<void>;
}

export function startScheduler(
  config: Omit<SchedulerConfig, 'informers'>,
  election: Partial<Omit<LeaderElectionConfig, 'client' | 'onStartedLeading'>> = {},
): RunningScheduler {
  const logger = config.logger ?? silentLogger;
  let current: Scheduler | undefined;
  const elector = new LeaderElector({
    client: config.client,
    namespace: 'kube-system',
    name: 'kube-scheduler',
    identity: `${hostname()}_${randomUUID()}`,
    clock: config.clock,
    logger,
    ...election,
    onStartedLeading: async (leading: AbortSignal) => {
      current = new Scheduler(config);
      try {
        await current.start(leading);
      } finally {
        current = undefined;
      }
    },
  });
  const ac = new AbortController();
  const run = elector
    .run(childSignal(ac.signal))
    .catch((err: unknown) => logger.error('scheduler stopped', { error: err }));
  return {
    elector,
    current: () => current,
    async stop() {
      ac.abort();
      await run;
    },
  };
}

/** Warnings and errors as lines (for the control plane's log); info is dropped. */
export function lineLogger(log: (line: string) => void): Logger {
  const fmt = (fields?: Record<string, unknown>) =>
    Object.entries(fields ?? {})
      .map(([k, v]) => ` ${k}=${v instanceof Error ? v.message : String(v)}`)
      .join('');
  return {
    info: () => {},
    warn: (msg, fields) => log(`warning: ${msg}${fmt(fields)}`),
    error: (msg, fields) => log(`error: ${msg}${fmt(fields)}`),
  };
}
