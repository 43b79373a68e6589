import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkQueue } from './queue.ts';

describe('WorkQueue', () => {
  it('hands out a key added several times before it is taken only once', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('never hands a key to a second worker while the first is processing it', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    q.add('a'); // changed again while being processed
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(first!);
    await Promise.resolve();
    expect(second).toBe('a');
  });

  it('re-queues a key added during processing once done is called, and only once', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    q.add('a');
    q.add('a');
    q.done(k!);
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes waiting workers in order as keys arrive', async () => {
    const q = new WorkQueue();
    const got: string[] = [];
    const w1 = q.get().then((k) => got.push(`w1:${k}`));
    const w2 = q.get().then((k) => got.push(`w2:${k}`));
    q.add('x');
    q.add('y');
    await Promise.all([w1, w2]);
    expect(got).toEqual(['w1:x', 'w2:y']);
  });

  it('after shutDown ignores adds, drains what is queued, then answers undefined', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.shutDown();
    q.add('b');
    expect(q.shuttingDown()).toBe(true);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBeUndefined();
  });

  it('releases idle workers on shutDown', async () => {
    const q = new WorkQueue();
    const waiting = [q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
  });

  it('shutDownWithDrain waits for keys being processed', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    let drained = false;
    const p = q.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(k!);
    await p;
    expect(drained).toBe(true);
  });

  it('with concurrent async workers, no key is processed twice at once and the last add is always seen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(3)), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        async (adds, workers) => {
          const q = new WorkQueue();
          const active = new Set<string>();
          let overlap = false;
          // version[k] increments on every add; processedVersion[k] is the version a worker saw when it took k.
          const version = new Map<string, number>();
          const processed = new Map<string, number>();
          const worker = async () => {
            for (;;) {
              const k = await q.get();
              if (k === undefined) return;
              if (active.has(k)) overlap = true;
              active.add(k);
              processed.set(k, version.get(k) ?? 0);
              for (let i = 0; i < 3; i++) await Promise.resolve();
              active.delete(k);
              q.done(k);
            }
          };
          const running = Array.from({ length: workers }, worker);
          for (const [k, yields] of adds) {
            version.set(k, (version.get(k) ?? 0) + 1);
            q.add(k);
            for (let i = 0; i < yields; i++) await Promise.resolve();
          }
          await q.shutDownWithDrain();
          await Promise.all(running);
          expect(overlap).toBe(false);
          for (const [k, v] of version) expect(processed.get(k)).toBe(v);
        },
      ),
      { numRuns: 200 },
    );
  });
});
