// Controller expectations (upstream controller_utils.go ControllerExpectations with UID-tracked
// deletions): after creating or deleting pods a controller waits until its informer has seen
// those changes before it counts pods again, so a lagging cache never makes it create twice.
// Expectations expire after a while so a lost event can not wedge a controller forever.
import { realClock, type Clock } from '../../api/client/index.ts';

/** Upstream ExpectationsTimeout. */
export const expectationsTimeoutMs = 5 * 60_000;

interface Expectation {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly clock: Clock = realClock) {}

  /** True when the controller may act on `key` again: nothing outstanding, or it expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.clock.now() - e.at > expectationsTimeoutMs;
  }

  expectCreations(key: string, n: number): void {
    const e = this.entry(key);
    e.adds = n;
    e.at = this.clock.now();
  }

  expectDeletions(key: string, uids: readonly string[]): void {
    const e = this.entry(key);
    for (const uid of uids) e.deletes.add(uid);
    e.at = this.clock.now();
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  /** A create that failed will never be observed. */
  lowerCreations(key: string, n = 1): void {
    const e = this.byKey.get(key);
    if (e) e.adds = Math.max(0, e.adds - n);
  }

  deletionObserved(key: string, uid: string | undefined): void {
    if (uid) this.byKey.get(key)?.deletes.delete(uid);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }

  private entry(key: string): Expectation {
    let e = this.byKey.get(key);
    if (!e || this.satisfied(key)) {
      e = { adds: 0, deletes: new Set(), at: this.clock.now() };
      this.byKey.set(key, e);
    }
    return e;
  }
}
