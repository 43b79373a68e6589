// The controller manager: one literal registry of controller name -> factory, and a function
// that starts the chosen controllers over one shared informer factory (one list+watch per type
// for all of them).
import type { Client, Clock, Logger } from '../../api/client/index.ts';
import { SharedInformerFactory, silentLogger } from '../../api/client/index.ts';
import type { Controller, ControllerConfig } from './controller.ts';
import { CronJobController } from './cronjob.ts';
import { DeploymentController } from './deployment.ts';
import { JobController } from './job.ts';
import { ReplicaSetController } from './replicaset.ts';
import { TtlAfterFinishedController } from './ttl-after-finished.ts';

/** Factories get the shared config plus that controller's own settings (e.g. Job back-off). */
export type ControllerFactory = (config: ControllerConfig & Record<string, unknown>) => Controller;

export const controllerFactories: Record<string, ControllerFactory> = {
  replicaset: (c) => new ReplicaSetController(c),
  deployment: (c) => new DeploymentController(c),
  job: (c) => new JobController(c),
  'ttl-after-finished': (c) => new TtlAfterFinishedController(c),
  cronjob: (c) => new CronJobController(c),
};

export interface ControllerManagerOptions {
  client: Client;
  /** Which controllers to run; default: all. */
  controllers?: string[];
  clock?: Clock;
  logger?: Logger;
  workers?: number;
  /** Per-controller extra config, merged over the shared one: `{ job: { backoffBaseMs: 100 } }`. */
  settings?: Record<string, Record<string, unknown>>;
}

export interface RunningControllers {
  controllers: Controller[];
  informers: SharedInformerFactory;
  /** Stop every controller and informer; resolves when they have stopped. */
  stop(): Promise<void>;
}

export function startControllerManager(opts: ControllerManagerOptions): RunningControllers {
  const names = opts.controllers ?? Object.keys(controllerFactories);
  const unknown = names.filter((n) => !controllerFactories[n]);
  if (unknown.length > 0) throw new Error(`unknown controllers: ${unknown.join(', ')}`);
  const logger = opts.logger ?? silentLogger;
  const informers = new SharedInformerFactory(opts.client, { clock: opts.clock, logger });
  const base = { client: opts.client, informers, clock: opts.clock, logger, workers: opts.workers };
  const controllers = names.map((n) => controllerFactories[n]!({ ...base, ...opts.settings?.[n] }));
  const ac = new AbortController();
  informers.start(ac.signal);
  const runs = controllers.map((c) =>
    c.start(ac.signal).catch((err) => logger.error('controller stopped', { controller: c.name, error: err })),
  );
  return {
    controllers,
    informers,
    async stop() {
      ac.abort();
      await Promise.all(runs);
      await informers.stopped();
    },
  };
}
