// The outcome of a plugin at one extension point, like upstream's framework.Status. Plugins
// return statuses instead of throwing: `undefined` is success (no allocation on the hot path),
// a Status says why not. The code decides what the scheduler does next:
//  - Unschedulable: this node does not fit now, but preemption might make room;
//  - UnschedulableAndUnresolvable: preemption can not help on this node (wrong labels, taints);
//  - Skip: (preFilter, preScore) this plugin has nothing to say about the pod, skip its later
//    filter/score calls;
//  - Error: something broke; the pod is retried with backoff.

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

export class Status {
  /** Set by the framework: which plugin returned this status. */
  plugin = '';

  constructor(
    readonly code: Code,
    /** Short reasons, as they appear in the "0/3 nodes are available: ..." histogram. */
    readonly reasons: readonly string[] = [],
    readonly error?: unknown,
  ) {}

  message(): string {
    return this.reasons.join(', ');
  }

  /** Unschedulable or UnschedulableAndUnresolvable. */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }

  withPlugin(plugin: string): this {
    this.plugin = plugin;
    return this;
  }
}

export const unschedulable = (...reasons: string[]) => new Status('Unschedulable', reasons);
export const unresolvable = (...reasons: string[]) => new Status('UnschedulableAndUnresolvable', reasons);
export const skip = () => new Status('Skip');
export const asStatus = (error: unknown) =>
  new Status('Error', [error instanceof Error ? error.message : String(error)], error);

/** True for undefined (success) and for an explicit Success status. */
export const isSuccess = (s: Status | undefined): boolean => s === undefined || s.code === 'Success';
