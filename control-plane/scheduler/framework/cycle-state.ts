// Data a plugin computes in one extension point (preFilter, preScore) and reads in later ones
// during the same scheduling cycle (upstream framework.CycleState).
import type { FilterPlugin } from './interfaces.ts';
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose preFilter said Skip: their filter is not called in this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose preScore said Skip: their score is not called in this cycle. */
  readonly skipScorePlugins = new Set<string>();
  /** The filter plugins to run, once preFilter has decided the skips (the framework fills it in). */
  filters: FilterPlugin[] | undefined;

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  /** A copy whose values are shared: plugins that change state per node copy their own value first. */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v);
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    c.filters = this.filters;
    return c;
  }
}
