// Upstream slowStartBatch: create in batches of 1, 2, 4, ... so that when every create fails
// (quota exceeded, invalid template) the controller learns it after one call, not five hundred.

export interface SlowStartResult {
  succeeded: number;
  /** The first error; later batches were not attempted. */
  error?: Error;
}

export async function slowStartBatch(
  count: number,
  fn: () => Promise<void>,
  initialBatchSize = 1,
): Promise<SlowStartResult> {
  let remaining = count;
  let succeeded = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    succeeded += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { succeeded, error: failed.reason as Error };
    remaining -= batch;
  }
  return { succeeded };
}
