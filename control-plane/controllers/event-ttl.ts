// Events expire (kube-apiserver's --event-ttl, one hour by default, which upstream implements
// with etcd leases): this controller deletes core/v1 Events an hour after they last happened, so
// a long-running cluster's store does not fill up with old events.
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Event } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';

type EventObj = Kube<Event>;

export interface EventTtlControllerConfig extends ControllerConfig {
  /** Default one hour. */
  ttlMs?: number;
}

/** When the event last happened (lastTimestamp, eventTime, or creation), in ms. */
const lastSeen = (e: EventObj) =>
  Date.parse(
    e.lastTimestamp ?? e.eventTime ?? e.series?.lastObservedTime ?? e.metadata?.creationTimestamp ?? '',
  );

export class EventTtlController extends QueueController {
  readonly ttlMs: number;
  private readonly events: SharedIndexInformer<EventObj>;

  constructor(config: EventTtlControllerConfig) {
    super('event-ttl', config);
    this.ttlMs = config.ttlMs ?? 60 * 60_000;
    this.events = this.informers.informerFor<EventObj>('v1', 'Event');
    const schedule = (e: EventObj) => {
      const at = lastSeen(e);
      this.enqueueAfter(e, Number.isFinite(at) ? at + this.ttlMs - this.clock.now() : this.ttlMs);
    };
    this.events.addEventHandler({ onAdd: schedule, onUpdate: (_o, e) => schedule(e) });
  }

  protected async sync(key: string): Promise<void> {
    const e = this.events.get(key);
    if (!e) return;
    const at = lastSeen(e);
    const left = (Number.isFinite(at) ? at : 0) + this.ttlMs - this.clock.now();
    if (left > 0) {
      this.enqueueAfter(key, left);
      return;
    }
    try {
      await this.client
        .resource('v1', 'Event')
        .namespace(e.metadata!.namespace!)
        .delete(e.metadata!.name!, { preconditions: { uid: e.metadata!.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
