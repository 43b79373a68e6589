// The controller manager: one literal registry of controller name -> factory, and a function
// that starts the chosen controllers over one shared informer factory (one list+watch per type
// for all of them). With leader election (what `flotilla serve` uses) the controllers run only
// while this process holds the Lease kube-system/kube-controller-manager, so of several control
// planes sharing a store exactly one manager is active; a lost lease stops them all, and a new
// term starts them afresh with new caches, like a restarted kube-controller-manager.
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Client, Clock, Logger } from '../../api/client/index.ts';
import { SharedInformerFactory, silentLogger } from '../../api/client/index.ts';
import { LeaderElector } from './leader-election.ts';
import { NamespaceController } from './namespace.ts';
import { NodeIpamController } from './node-ipam.ts';
import { NodeLifecycleController } from './node-lifecycle.ts';
import { PersistentVolumeBinder } from './persistent-volume-binder.ts';
import { PodGcController } from './pod-gc.ts';
import type { Controller, ControllerConfig } from './controller.ts';
import { ClusterDnsController } from './cluster-dns.ts';
import { CronJobController } from './cronjob.ts';
import { CsrApprovingController } from './csr-approving.ts';
import { CsrCleaner } from './csr-cleaner.ts';
import { CsrSigningController } from './csr-signing.ts';
import { DaemonSetController } from './daemonset.ts';
import { DeploymentController } from './deployment.ts';
import { EndpointSliceController } from './endpoint-slice.ts';
import { EndpointsController } from './endpoints.ts';
import { EventTtlController } from './event-ttl.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { IngressClassController } from './ingress-class.ts';
import { JobController } from './job.ts';
import { KubernetesServiceController } from './kubernetes-service.ts';
import { LocalPathProvisioner } from './local-path-provisioner.ts';
import { ReplicaSetController } from './replicaset.ts';
import { ResourceQuotaController } from './resource-quota.ts';
import { RootCaPublisher } from './root-ca-publisher.ts';
import { ServiceAccountController } from './service-account.ts';
import { ServiceLbController } from './service-lb.ts';
import { StatefulSetController } from './statefulset.ts';
import { TaintEvictionController } from './taint-eviction.ts';
import { TtlAfterFinishedController } from './ttl-after-finished.ts';

/** Factories get the shared config plus that controller's own settings (e.g. Job back-off). */
export type ControllerFactory = (config: ControllerConfig & Record<string, unknown>) => Controller;

export const controllerFactories: Record<string, ControllerFactory> = {
  replicaset: (c) => new ReplicaSetController(c),
  deployment: (c) => new DeploymentController(c),
  statefulset: (c) => new StatefulSetController(c),
  daemonset: (c) => new DaemonSetController(c),
  job: (c) => new JobController(c),
  'ttl-after-finished': (c) => new TtlAfterFinishedController(c),
  cronjob: (c) => new CronJobController(c),
  // Infrastructure.
  garbagecollector: (c) => new GarbageCollector(c),
  namespace: (c) => new NamespaceController(c),
  serviceaccount: (c) => new ServiceAccountController(c),
  'root-ca-cert-publisher': (c) => new RootCaPublisher(c),
  resourcequota: (c) => new ResourceQuotaController(c),
  nodeipam: (c) => new NodeIpamController(c),
  nodelifecycle: (c) => new NodeLifecycleController(c),
  'taint-eviction': (c) => new TaintEvictionController(c),
  endpoint: (c) => new EndpointsController(c),
  endpointslice: (c) => new EndpointSliceController(c),
  'kubernetes-service': (c) => new KubernetesServiceController(c),
  'persistentvolume-binder': (c) => new PersistentVolumeBinder(c),
  'local-path-provisioner': (c) => new LocalPathProvisioner(c),
  podgc: (c) => new PodGcController(c),
  'event-ttl': (c) => new EventTtlController(c),
  // Node credentials: approve what nodes may have, sign what was approved.
  csrapproving: (c) => new CsrApprovingController(c),
  csrsigning: (c) => new CsrSigningController(c),
  csrcleaner: (c) => new CsrCleaner(c),
  // Service edge (docs/networking.md).
  'cluster-dns': (c) => new ClusterDnsController(c),
  'service-lb': (c) => new ServiceLbController(c),
  'ingress-class': (c) => new IngressClassController(c),
};

export interface LeaderElectionOptions {
  /** Default kube-system / kube-controller-manager. */
  namespace?: string;
  name?: string;
  /** Default `<hostname>_<random>`. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerManagerOptions {
  client: Client;
  /**
   * Which controllers to run, like kube-controller-manager's --controllers: names to run only
   * those; `*` for all, and `-name` to leave one out (`['*', '-nodelifecycle']`). Default: all.
   */
  controllers?: string[];
  /** Run only while holding the lease. Default: no election (tests that run one manager). */
  leaderElection?: LeaderElectionOptions;
  clock?: Clock;
  logger?: Logger;
  workers?: number;
  /** Per-controller extra config, merged over the shared one: `{ job: { backoffBaseMs: 100 } }`. */
  settings?: Record<string, Record<string, unknown>>;
}

export interface RunningControllers {
  /** The controllers of the current term (none while not leading). */
  readonly controllers: Controller[];
  /** The informers of the current term. */
  readonly informers: SharedInformerFactory;
  /** True while the controllers run (always, without leader election). */
  isLeading(): boolean;
  /** Stop every controller and informer (and release the lease); resolves when they have stopped. */
  stop(): Promise<void>;
}

/** The controller names a --controllers style list selects; throws for unknown names. */
export function resolveControllerNames(spec: readonly string[] | undefined): string[] {
  const all = Object.keys(controllerFactories);
  if (!spec || spec.length === 0) return all;
  const bad = spec.filter((n) => n !== '*' && !controllerFactories[n.replace(/^-/, '')]);
  if (bad.length > 0) throw new Error(`unknown controllers: ${bad.join(', ')} (known: ${all.join(', ')})`);
  const off = new Set(spec.filter((n) => n.startsWith('-')).map((n) => n.slice(1)));
  const on = spec.includes('*') ? all : spec.filter((n) => n !== '*' && !n.startsWith('-'));
  return on.filter((n) => !off.has(n));
}

interface Term {
  controllers: Controller[];
  informers: SharedInformerFactory;
  stop(): Promise<void>;
}

function startTerm(opts: ControllerManagerOptions, names: string[], logger: Logger): Term {
  const informers = new SharedInformerFactory(opts.client, { clock: opts.clock, logger });
  const base = { client: opts.client, informers, clock: opts.clock, logger, workers: opts.workers };
  const controllers = names.map((n) => controllerFactories[n]!({ ...base, ...opts.settings?.[n] }));
  const ac = new AbortController();
  // Every informer and controller listens on this one signal.
  setMaxListeners(0, ac.signal);
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

export function startControllerManager(opts: ControllerManagerOptions): RunningControllers {
  const names = resolveControllerNames(opts.controllers);
  const logger = opts.logger ?? silentLogger;
  if (!opts.leaderElection) {
    const term = startTerm(opts, names, logger);
    return { ...term, isLeading: () => true };
  }

  const le = opts.leaderElection;
  const idle: Term = {
    controllers: [],
    informers: new SharedInformerFactory(opts.client, { clock: opts.clock, logger }),
    stop: async () => {},
  };
  let term = idle;
  const ac = new AbortController();
  const elector = new LeaderElector({
    client: opts.client,
    namespace: le.namespace ?? 'kube-system',
    name: le.name ?? 'kube-controller-manager',
    identity: le.identity ?? `${hostname()}_${randomBytes(8).toString('hex')}`,
    leaseDurationMs: le.leaseDurationMs,
    renewDeadlineMs: le.renewDeadlineMs,
    retryPeriodMs: le.retryPeriodMs,
    clock: opts.clock,
    logger,
    onStartedLeading: async (signal) => {
      logger.info('leading: starting controllers', { controllers: names.join(',') });
      term = startTerm(opts, names, logger);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await term.stop();
      term = idle;
    },
  });
  const running = elector.run(ac.signal);
  return {
    get controllers() {
      return term.controllers;
    },
    get informers() {
      return term.informers;
    },
    isLeading: () => elector.isLeader(),
    async stop() {
      ac.abort();
      await running;
    },
  };
}
