// Values taken from a numbered range (service IPs, node ports), each reservation a key in the
// store (like upstream's IPAddress objects): creating the key is the atomic "take", so several
// API servers on one store never hand out the same value, and a restart loses nothing.
// Free values are picked at random, first from the upper part of the range (upstream keeps the
// lower part for values users ask for by number); asking for a specific value takes exactly it.
import { KeyExistsError } from '../../../storage/errors.ts';
import type { Backend } from '../../../storage/types.ts';

export class RangeFullError extends Error {}
export class AlreadyAllocatedError extends Error {}
export class OutOfRangeError extends Error {}

export interface RangeAllocatorOptions {
  backend: Backend;
  /** Key prefix, ending in '/'. */
  prefix: string;
  /** Values are offsets 0..size-1. */
  size: number;
  /** Offsets that can never be handed out (network and broadcast addresses). */
  reserved?: (offset: number) => boolean;
  /** Offsets below this are only given to whoever asks for them by number, while others are free. */
  staticBelow?: number;
}

export class RangeAllocator {
  constructor(private readonly opts: RangeAllocatorOptions) {}

  private key(offset: number): string {
    return `${this.opts.prefix}${offset}`;
  }

  private usable(offset: number): boolean {
    return (
      Number.isInteger(offset) && offset >= 0 && offset < this.opts.size && !this.opts.reserved?.(offset)
    );
  }

  /** Take this offset for `owner` (`ns/name`); throws OutOfRangeError or AlreadyAllocatedError. */
  async allocate(offset: number, owner = ''): Promise<void> {
    if (!this.usable(offset)) throw new OutOfRangeError(`offset ${offset} out of range`);
    try {
      await this.opts.backend.create(this.key(offset), Buffer.from(owner));
    } catch (err) {
      if (err instanceof KeyExistsError) throw new AlreadyAllocatedError(`offset ${offset} is taken`);
      throw err;
    }
  }

  /** Take any free offset; throws RangeFullError. */
  async allocateNext(owner = ''): Promise<number> {
    const used = await this.used();
    const { size, staticBelow = 0 } = this.opts;
    for (const [from, to] of [
      [staticBelow, size],
      [0, staticBelow],
    ] as const) {
      const span = to - from;
      if (span <= 0) continue;
      const start = Math.floor(Math.random() * span);
      for (let i = 0; i < span; i++) {
        const offset = from + ((start + i) % span);
        if (!this.usable(offset) || used.has(offset)) continue;
        try {
          await this.allocate(offset, owner);
          return offset;
        } catch (err) {
          if (!(err instanceof AlreadyAllocatedError)) throw err;
        }
      }
    }
    throw new RangeFullError('range is full');
  }

  async release(offset: number): Promise<void> {
    await this.opts.backend.delete(this.key(offset));
  }

  /** Offsets currently taken. */
  async used(): Promise<Set<number>> {
    return new Set((await this.entries()).map((e) => e.offset));
  }

  /** Every reservation with the revision it was made at. */
  async entries(): Promise<{ offset: number; revision: number }[]> {
    const { kvs } = await this.opts.backend.list(this.opts.prefix);
    return kvs.map((kv) => ({
      offset: Number(kv.key.slice(this.opts.prefix.length)),
      revision: kv.modRevision,
    }));
  }

  /** Record an offset already in use (repair after a crash); no error if it is recorded. */
  async ensure(offset: number, owner = ''): Promise<void> {
    try {
      await this.allocate(offset, owner);
    } catch (err) {
      if (!(err instanceof AlreadyAllocatedError) && !(err instanceof OutOfRangeError)) throw err;
    }
  }
}
