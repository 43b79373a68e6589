// The scheduler (upstream pkg/scheduler): pods without a node come off the scheduling queue one
// at a time; each scheduling cycle runs synchronously against the cache (filter, score, maybe
// preempt), assumes the pod on the chosen node at once, and binds it in the background while
// the next pod is already being placed. Informers feed the cache and the queue; nothing polls.
import {
  isConflict,
  isNotFound,
  realClock,
  SharedInformerFactory,
  silentLogger,
  type Client,
  type Clock,
  type KubeObject,
  type Logger,
  type SharedIndexInformer,
  type Timer,
} from '../../api/client/index.ts';
import type { Namespace, Node, Pod, ReplicaSet, Service, StatefulSet } from '../../api/types/index.ts';
import { withFields } from '../controllers/controller.ts';
import { ApiEventRecorder, type EventRecorder } from '../../api/client/event-recorder.ts';
import { SchedulerCache } from './cache/cache.ts';
import { childSignal } from './child-signal.ts';
import { defaultSpreadSelector, type SpreadSources } from './default-selector.ts';
import { registerEventHandlers } from './event-handlers.ts';
import { CycleState } from './framework/cycle-state.ts';
import { Framework, type PluginFactory, type ProfileConfig } from './framework/framework.ts';
import { hasEvents, type ClusterEvent } from './framework/interfaces.ts';
import type { PodInfo } from './framework/pod-info.ts';
import { isSuccess, Status } from './framework/status.ts';
import { reasonSchedulerError, reasonUnschedulable, unschedulableStatusPatch } from './pod-status.ts';
import { Preemptor } from './preemptor.ts';
import { defaultProfile } from './profile.ts';
import { SchedulingQueue, type QueuedPodInfo } from './queue/scheduling-queue.ts';
import { inTreeRegistry } from './registry.ts';
import { FitError, PodScheduler } from './schedule-pod.ts';

type Obj<T> = T & KubeObject;

export interface SchedulerConfig {
  client: Client;
  /** Shared with the controllers in the same process; by default the scheduler makes its own. */
  informers?: SharedInformerFactory;
  clock?: Clock;
  logger?: Logger;
  /** Where Scheduled / FailedScheduling / Preempted events go; by default the API. */
  recorder?: EventRecorder;
  profile?: ProfileConfig;
  registry?: Readonly<Record<string, PluginFactory>>;
  /** Share of nodes to find feasible before scoring, 1..100; 0 (default) adapts to the cluster size. */
  percentageOfNodesToScore?: number;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** Bindings in flight at once before the scheduler waits for one to finish. Default 256. */
  maxInFlightBindings?: number;
  /** For ties between equally good nodes; tests pass a seeded one. */
  random?: () => number;
}

export interface SchedulerMetrics {
  attempts: number;
  scheduled: number;
  unschedulable: number;
  errors: number;
  preemptionAttempts: number;
  /** Milliseconds spent in the synchronous part of scheduling cycles (filter, score, preempt). */
  algorithmMs: number;
}

/** How long the scheduling loop runs before it lets the rest of the process have a turn. */
const SCHEDULING_SLICE_MS = 50;

const podRef = (pod: Pod): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: pod.metadata as KubeObject['metadata'],
});

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly informers: SharedInformerFactory;
  readonly metrics: SchedulerMetrics = {
    attempts: 0,
    scheduled: 0,
    unschedulable: 0,
    errors: 0,
    preemptionAttempts: 0,
    algorithmMs: 0,
  };
  readonly pods: SharedIndexInformer<Obj<Pod>>;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly recorder: EventRecorder;
  private readonly podScheduler: PodScheduler;
  private readonly preemptor: Preemptor;
  private readonly maxInFlightBindings: number;
  private readonly bindings = new Set<Promise<void>>();
  private bindingSlot: (() => void) | undefined;
  private started = false;

  constructor(readonly config: SchedulerConfig) {
    if (!config?.client) throw new Error('scheduler: config.client is required');
    const pct = config.percentageOfNodesToScore ?? 0;
    if (!(pct >= 0 && pct <= 100))
      throw new Error(`scheduler: percentageOfNodesToScore must be 0..100, got ${pct}`);
    const maxBindings = config.maxInFlightBindings ?? 256;
    if (!Number.isInteger(maxBindings) || maxBindings < 1)
      throw new Error(`scheduler: maxInFlightBindings must be a positive integer, got ${maxBindings}`);
    this.maxInFlightBindings = maxBindings;
    this.client = config.client;
    this.clock = config.clock ?? realClock;
    this.logger = withFields(config.logger ?? silentLogger, { component: 'scheduler' });
    this.informers =
      config.informers ??
      new SharedInformerFactory(config.client, { clock: this.clock, logger: this.logger });
    this.recorder =
      config.recorder ??
      new ApiEventRecorder({
        client: config.client,
        component: 'default-scheduler',
        clock: this.clock,
        logger: this.logger,
      });
    this.cache = new SchedulerCache({ clock: this.clock });

    this.pods = this.informers.informerFor<Obj<Pod>>('v1', 'Pod');
    const spread: SpreadSources = {
      services: this.informers.informerFor<Obj<Service>>('v1', 'Service'),
      replicaSets: this.informers.informerFor<Obj<ReplicaSet>>('apps/v1', 'ReplicaSet'),
      statefulSets: this.informers.informerFor<Obj<StatefulSet>>('apps/v1', 'StatefulSet'),
    };
    const namespaces = this.informers.informerFor<Obj<Namespace>>('v1', 'Namespace');

    // Filled below from the plugins' EnqueueExtensions; the queue only reads it later.
    const pluginEvents = new Map<string, ReadonlySet<ClusterEvent>>();
    const queue = (this.queue = new SchedulingQueue({
      clock: this.clock,
      podInitialBackoffMs: config.podInitialBackoffMs,
      podMaxBackoffMs: config.podMaxBackoffMs,
      pluginEvents,
    }));
    this.preemptor = new Preemptor({
      client: this.client,
      recorder: this.recorder,
      logger: this.logger,
      schedulerName: config.profile?.schedulerName,
      nominations: {
        nominatedPods: (node) => queue.nominatedPods(node),
        deleteNomination: (key) => queue.deleteNomination(key),
      },
    });
    this.framework = new Framework(config.registry ?? inTreeRegistry, config.profile ?? defaultProfile(), {
      clock: this.clock,
      client: this.client,
      nodes: () => this.cache.nodes(),
      node: (name) => this.cache.node(name),
      namespaceLabels: (ns) => namespaces.get(ns)?.metadata?.labels,
      defaultSpreadSelector: (pod) => defaultSpreadSelector(pod, spread),
      nominatedPods: (node) => queue.nominatedPods(node),
      preempt: (preemptor, node, victims) => this.preemptor.preempt(preemptor, node, victims),
    });
    for (const p of this.framework.plugins) if (hasEvents(p)) pluginEvents.set(p.name, new Set(p.events()));
    this.podScheduler = new PodScheduler(this.framework, {
      percentageOfNodesToScore: pct,
      random: config.random,
    });
    registerEventHandlers({
      schedulerName: this.framework.schedulerName,
      cache: this.cache,
      queue: this.queue,
      pods: this.pods,
      nodes: this.informers.informerFor<Obj<Node>>('v1', 'Node'),
      namespaces,
    });
  }

  /** Bindings sent and not answered yet. */
  get inFlightBindings(): number {
    return this.bindings.size;
  }

  /** Runs until the signal aborts; resolves once in-flight bindings have finished. */
  async start(parent: AbortSignal): Promise<void> {
    if (this.started) throw new Error('scheduler: already started');
    this.started = true;
    const signal = childSignal(parent);
    this.informers.start(signal);
    try {
      await this.informers.waitForCacheSync({ signal });
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    this.logger.info('started', { nodes: this.cache.nodeCount() });
    const stop = () => this.queue.close();
    signal.addEventListener('abort', stop, { once: true });
    const cleanup = this.scheduleAssumedPodCleanup(signal);
    try {
      await this.loop(signal);
    } finally {
      cleanup.cancel();
      signal.removeEventListener('abort', stop);
      this.queue.close();
      await Promise.all(this.bindings);
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let lastYield = performance.now();
    for (;;) {
      while (this.bindings.size >= this.maxInFlightBindings) {
        await new Promise<void>((resolve) => (this.bindingSlot = resolve));
      }
      const q = await this.queue.pop();
      if (!q || signal.aborted) return;
      try {
        this.scheduleOne(q);
      } catch (err) {
        // A bug in a plugin must not stop the scheduler: treat it as an error for this pod.
        this.logger.error('scheduling cycle failed', { pod: q.pi.key, error: err });
        this.handleFailure(q, new Status('Error', [String(err)], err), this.queue.schedulingCycle());
      }
      // Popping a ready pod never waits, so give informer events and binding replies a turn now
      // and then. Not too often: in the API server's process, one turn of the event loop during
      // a burst of creates is a long queue of requests, and queued pods wait for the next turn
      // too (with 10 ms slices, a burst of 50 new pods was popped ~5 per turn, turns 200-300 ms
      // apart on a loaded machine).
      if (performance.now() - lastYield > SCHEDULING_SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
  }

  /** One scheduling cycle: decide synchronously, assume, and start binding. */
  scheduleOne(q: QueuedPodInfo): void {
    const cycle = this.queue.schedulingCycle();
    const pi = q.pi;
    const current = this.pods.get(pi.key);
    if (
      !current ||
      current.metadata?.uid !== pi.uid ||
      current.spec?.nodeName ||
      current.metadata?.deletionTimestamp
    ) {
      this.queue.done(pi.key); // gone, bound meanwhile, or being deleted
      return;
    }
    this.metrics.attempts++;
    const state = new CycleState();
    const started = performance.now();
    const result = this.podScheduler.schedule(state, pi, this.cache.nodes());
    if (result instanceof FitError) {
      this.handleFitError(q, state, result, cycle);
      this.metrics.algorithmMs += performance.now() - started;
      return;
    }
    if (result instanceof Status) {
      this.metrics.algorithmMs += performance.now() - started;
      return this.handleFailure(q, result, cycle);
    }
    this.cache.assume(pi, result.nodeName);
    this.queue.deleteNomination(pi.key);
    this.metrics.algorithmMs += performance.now() - started;
    const binding = this.bind(q, state, result.nodeName, cycle).finally(() => {
      this.bindings.delete(binding);
      const slot = this.bindingSlot;
      this.bindingSlot = undefined;
      slot?.();
    });
    this.bindings.add(binding);
  }

  private handleFitError(q: QueuedPodInfo, state: CycleState, fit: FitError, cycle: number): void {
    let nominated: string | undefined;
    if (this.framework.hasPostFilterPlugins() && fit.numAllNodes > 0) {
      this.metrics.preemptionAttempts++;
      const r = this.framework.runPostFilterPlugins(state, q.pi, fit.statuses);
      if (r.status && !isSuccess(r.status)) fit.postFilterMsg = r.status.message();
      nominated = r.result?.nominatedNodeName;
    }
    q.unschedulablePlugins = fit.unschedulablePlugins();
    this.metrics.unschedulable++;
    this.fail(q, reasonUnschedulable, fit.message(), cycle, nominated);
  }

  private handleFailure(q: QueuedPodInfo, status: Status, cycle: number): void {
    q.unschedulablePlugins = status.isRejected() && status.plugin ? new Set([status.plugin]) : new Set();
    if (status.isRejected()) this.metrics.unschedulable++;
    else this.metrics.errors++;
    this.fail(q, status.isRejected() ? reasonUnschedulable : reasonSchedulerError, status.message(), cycle);
  }

  /** Requeue, record FailedScheduling, and say so on the pod (PodScheduled=False, nomination). */
  private fail(q: QueuedPodInfo, reason: string, message: string, cycle: number, nominated?: string): void {
    const pod = q.pi.pod;
    this.logger.info('unable to schedule pod', { pod: q.pi.key, reason, message });
    this.queue.addUnschedulable(q, cycle);
    if (nominated !== undefined) this.queue.addNomination(q.pi, nominated);
    this.recorder.event(podRef(pod), 'Warning', 'FailedScheduling', message);
    const patch = unschedulableStatusPatch(pod, reason, message, nominated, this.clock.now());
    if (!patch) return;
    this.client
      .resource('v1', 'Pod')
      .namespace(q.pi.namespace)
      .patch(pod.metadata!.name!, 'strategic', patch, { subresource: 'status' })
      .catch((err) => {
        if (!isNotFound(err)) this.logger.warn('could not update pod status', { pod: q.pi.key, error: err });
      });
  }

  private async bind(q: QueuedPodInfo, state: CycleState, nodeName: string, cycle: number): Promise<void> {
    const pi = q.pi;
    const status = await this.framework.runBindPlugins(state, pi, nodeName);
    if (isSuccess(status)) {
      this.cache.finishBinding(pi.key);
      this.queue.done(pi.key);
      this.metrics.scheduled++;
      this.logger.info('bound pod', { pod: pi.key, node: nodeName });
      const pod = pi.pod;
      this.recorder.event(
        podRef(pod),
        'Normal',
        'Scheduled',
        `Successfully assigned ${pi.key} to ${nodeName}`,
      );
      return;
    }
    this.cache.forget(pi.key);
    const err = (status as Status).error;
    if (isNotFound(err) || isConflict(err)) {
      // Deleted, or bound by someone else meanwhile: the informer brings the truth.
      this.queue.done(pi.key);
      return;
    }
    this.queue.moveAllToActiveOrBackoffQueue('AssignedPod/Delete');
    this.handleFailure(
      q,
      new Status('Error', [`running Bind plugin "${status!.plugin}": ${status!.message()}`], err),
      cycle,
    );
  }

  private scheduleAssumedPodCleanup(signal: AbortSignal): Timer {
    let timer: Timer;
    const tick = () => {
      if (signal.aborted) return;
      for (const key of this.cache.cleanupExpiredAssumedPods()) {
        // Never confirmed: if it is still unbound, it needs scheduling again.
        const pod = this.pods.get(key);
        if (pod && !pod.spec?.nodeName) this.queue.update(pod);
      }
      timer = this.clock.setTimer(1000, tick);
    };
    timer = this.clock.setTimer(1000, tick);
    return { cancel: () => timer.cancel() };
  }
}

export type { PodInfo };
