import { describe, expect, it } from 'vitest';
import { slowStartBatch } from './slow-start.ts';

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, ... until done', async () => {
    let calls = 0;
    const r = await slowStartBatch(10, async () => {
      calls++;
    });
    expect(r).toEqual({ succeeded: 10 });
    expect(calls).toBe(10);
  });

  it('stops after the first batch with a failure', async () => {
    let calls = 0;
    const r = await slowStartBatch(100, async () => {
      calls++;
      if (calls > 3) throw new Error('exceeded quota');
    });
    // Batches of 1 and 2 succeed; all four of the next batch run and three fail; no more batches.
    expect(calls).toBe(7);
    expect(r.succeeded).toBe(3);
    expect(r.error?.message).toBe('exceeded quota');
  });
});
