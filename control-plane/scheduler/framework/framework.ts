// Runs the plugins of one profile at each extension point (upstream frameworkruntime): the
// order in the profile is the order they run, the first rejection wins for filters, scores are
// normalized per plugin and summed with the plugin's weight. It also completes the Handle that
// plugins get, so preemption can re-run filters.
import type { CycleState } from './cycle-state.ts';
import {
  hasPreFilterExtensions,
  isBind,
  isFilter,
  isPostFilter,
  isPreFilter,
  isPreScore,
  isScore,
  maxNodeScore,
  type BindPlugin,
  type FilterPlugin,
  type Handle,
  type NodeScore,
  type NodeToStatus,
  type Plugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
} from './interfaces.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import { asStatus, isSuccess, Status } from './status.ts';

/** The plugins of a profile and their settings; the order is the order they run in. */
export interface ProfileConfig {
  schedulerName: string;
  plugins: { name: string; weight?: number; args?: unknown }[];
}

export type PluginFactory = (args: any, handle: Handle) => Plugin;

/** What the scheduler provides to plugins; the framework adds the run* methods. */
export type HandleBase = Omit<
  Handle,
  'runFilterPlugins' | 'runPreFilterExtensionAddPod' | 'runPreFilterExtensionRemovePod'
> & {
  /** Pods nominated to this node by an earlier preemption (other than `pod`), for filtering. */
  nominatedPods(nodeName: string): readonly PodInfo[];
};

export interface PreFilterOutcome {
  status?: Status;
  /** Only these nodes need filtering (undefined: all). */
  nodeNames?: ReadonlySet<string>;
  /** The plugins that narrowed nodeNames. */
  plugins: string[];
}

export class Framework {
  readonly schedulerName: string;
  readonly plugins: Plugin[] = [];
  readonly handle: Handle;
  private readonly preFilter: PreFilterPlugin[] = [];
  private readonly filter: FilterPlugin[] = [];
  private readonly postFilter: PostFilterPlugin[] = [];
  private readonly preScore: PreScorePlugin[] = [];
  private readonly score: { plugin: ScorePlugin; weight: number }[] = [];
  private readonly bind: BindPlugin[] = [];
  private readonly extensions: (Plugin & PreFilterExtensions)[] = [];

  constructor(
    registry: Readonly<Record<string, PluginFactory>>,
    profile: ProfileConfig,
    private readonly base: HandleBase,
  ) {
    this.schedulerName = profile.schedulerName;
    this.handle = {
      ...base,
      runFilterPlugins: (state, pod, node) => this.runFilterPlugins(state, pod, node),
      runPreFilterExtensionAddPod: (state, pod, added, node) => {
        for (const p of this.extensions)
          if (!state.skipFilterPlugins.has(p.name)) p.addPod(state, pod, added, node);
      },
      runPreFilterExtensionRemovePod: (state, pod, removed, node) => {
        for (const p of this.extensions)
          if (!state.skipFilterPlugins.has(p.name)) p.removePod(state, pod, removed, node);
      },
    };
    const seen = new Set<string>();
    for (const { name, weight, args } of profile.plugins) {
      const factory = registry[name];
      if (!factory) throw new Error(`profile ${profile.schedulerName}: no plugin named "${name}"`);
      if (seen.has(name)) throw new Error(`profile ${profile.schedulerName}: plugin "${name}" listed twice`);
      seen.add(name);
      const plugin = factory(args, this.handle);
      this.plugins.push(plugin);
      if (isPreFilter(plugin)) this.preFilter.push(plugin);
      if (isFilter(plugin)) this.filter.push(plugin);
      if (isPostFilter(plugin)) this.postFilter.push(plugin);
      if (isPreScore(plugin)) this.preScore.push(plugin);
      if (isScore(plugin)) {
        const w = weight ?? 1;
        if (!Number.isInteger(w) || w < 1 || w > 100)
          throw new Error(`profile ${profile.schedulerName}: weight of ${name} must be an integer 1..100`);
        this.score.push({ plugin, weight: w });
      }
      if (isBind(plugin)) this.bind.push(plugin);
      if (isPreFilter(plugin) && hasPreFilterExtensions(plugin)) this.extensions.push(plugin);
    }
    if (this.bind.length === 0) throw new Error(`profile ${profile.schedulerName}: no bind plugin`);
  }

  hasPostFilterPlugins(): boolean {
    return this.postFilter.length > 0;
  }

  runPreFilterPlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterOutcome {
    let nodeNames: Set<string> | undefined;
    const plugins: string[] = [];
    for (const p of this.preFilter) {
      const r = p.preFilter(state, pod, nodes);
      if (r instanceof Status) {
        if (r.code === 'Skip') state.skipFilterPlugins.add(p.name);
        else if (!isSuccess(r)) return { status: r.withPlugin(p.name), plugins };
      } else if (r) {
        plugins.push(p.name);
        nodeNames = nodeNames
          ? new Set([...nodeNames].filter((n) => r.nodeNames.has(n)))
          : new Set(r.nodeNames);
      }
    }
    return { nodeNames, plugins };
  }

  /** The first rejection, or undefined when every filter passes. */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    // The filters left after preFilter's skips, worked out once per cycle, not once per node.
    const filters = (state.filters ??= this.filter.filter((p) => !state.skipFilterPlugins.has(p.name)));
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i]!;
      let s: Status | undefined;
      try {
        s = p.filter(state, pod, node);
      } catch (err) {
        s = asStatus(err);
      }
      if (s && !isSuccess(s)) return s.withPlugin(p.name);
    }
    return undefined;
  }

  /**
   * Filters, counting pods nominated to the node (by preemption, with at least this pod's
   * priority) as if they were already there: the room preemption freed is theirs. Like
   * upstream, the node must also pass without them.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const all = this.base.nominatedPods(node.name);
    const nominated =
      all.length === 0 ? all : all.filter((p) => p.key !== pod.key && p.priority >= pod.priority);
    if (nominated.length > 0) {
      const withNominated = node.clone();
      const st = state.clone();
      for (const p of nominated) {
        withNominated.addPod(p);
        this.handle.runPreFilterExtensionAddPod(st, pod, p, withNominated);
      }
      const s = this.runFilterPlugins(st, pod, withNominated);
      if (s) return s;
    }
    return this.runFilterPlugins(state, pod, node);
  }

  runPostFilterPlugins(
    state: CycleState,
    pod: PodInfo,
    statuses: NodeToStatus,
  ): { result?: PostFilterResult; status: Status | undefined } {
    const reasons: string[] = [];
    let result: PostFilterResult | undefined;
    for (const p of this.postFilter) {
      const r = p.postFilter(state, pod, statuses);
      if (isSuccess(r.status)) return r;
      if (r.result) result = r.result;
      reasons.push(...(r.status as Status).reasons);
    }
    return { result, status: new Status('Unschedulable', reasons) };
  }

  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined {
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (!s) continue;
      if (s.code === 'Skip') state.skipScorePlugins.add(p.name);
      else if (!isSuccess(s)) return s.withPlugin(p.name);
    }
    return undefined;
  }

  /** Weighted sum of every score plugin's normalized score, per node (same order as `nodes`). */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] | Status {
    const totals = new Array<number>(nodes.length).fill(0);
    // One array for every plugin: scoring runs over hundreds of nodes per pod.
    const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: 0 }));
    for (const { plugin, weight } of this.score) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) {
        const s = plugin.score(state, pod, nodes[i]!);
        if (s instanceof Status) return s.withPlugin(plugin.name);
        scores[i]!.score = s;
      }
      const ns = plugin.normalizeScore?.(state, pod, scores);
      if (ns && !isSuccess(ns)) return ns.withPlugin(plugin.name);
      for (let i = 0; i < nodes.length; i++) {
        const s = scores[i]!.score;
        if (s < 0 || s > maxNodeScore)
          return asStatus(
            new Error(`plugin ${plugin.name} scored node ${nodes[i]!.name} ${s}, outside 0..${maxNodeScore}`),
          );
        totals[i]! += s * weight;
      }
    }
    return totals;
  }

  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    for (const p of this.bind) {
      const s = await p.bind(state, pod, nodeName);
      if (s?.code === 'Skip') continue;
      return s?.withPlugin(p.name);
    }
    return asStatus(new Error(`no bind plugin bound pod ${pod.key}`));
  }
}
