// A scheduler without the API for plugin and algorithm tests: a cache holding the given nodes
// and (bound) pods, a framework with the default profile (or a chosen list of plugins), and
// helpers to run one extension point or a whole scheduling decision.
import { FakeClock } from '../../../api/client/index.ts';
import { LabelMatcher } from '../../../api/labels/index.ts';
import type { Node, Pod } from '../../../api/types/index.ts';
import { SchedulerCache } from '../cache/cache.ts';
import { CycleState } from '../framework/cycle-state.ts';
import { Framework, type ProfileConfig } from '../framework/framework.ts';
import type { Handle } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { newPodInfo, type PodInfo } from '../framework/pod-info.ts';
import type { Status } from '../framework/status.ts';
import { defaultProfile } from '../profile.ts';
import { inTreeRegistry } from '../registry.ts';
import { FitError, PodScheduler, type ScheduleResult } from '../schedule-pod.ts';

export interface FixtureOptions {
  nodes: Node[];
  /** Pods already bound (spec.nodeName set). */
  pods?: Pod[];
  /** Only these plugins (with the default profile's weights), in this order; default: the default profile. */
  plugins?: string[];
  pluginArgs?: Record<string, unknown>;
  namespaceLabels?: Record<string, Record<string, string>>;
  defaultSpreadSelector?: (pod: Pod) => LabelMatcher;
  nominated?: Record<string, Pod[]>;
  percentageOfNodesToScore?: number;
}

export interface Preemption {
  preemptor: string;
  node: string;
  victims: string[];
}

export class Fixture {
  readonly cache = new SchedulerCache();
  readonly fwk: Framework;
  readonly handle: Handle;
  readonly preemptions: Preemption[] = [];
  private readonly scheduler: PodScheduler;

  constructor(opts: FixtureOptions) {
    for (const n of opts.nodes) this.cache.addNode(n);
    for (const p of opts.pods ?? []) this.cache.addPod(p);
    const base = defaultProfile();
    const profile: ProfileConfig = {
      schedulerName: base.schedulerName,
      plugins: (opts.plugins ?? base.plugins.map((p) => p.name)).map((name) => ({
        name,
        weight: base.plugins.find((p) => p.name === name)?.weight,
        args: opts.pluginArgs?.[name],
      })),
    };
    if (!profile.plugins.some((p) => p.name === 'DefaultBinder'))
      profile.plugins.push({ name: 'DefaultBinder' });
    const nominated = new Map(
      Object.entries(opts.nominated ?? {}).map(([n, pods]) => [n, pods.map(newPodInfo)]),
    );
    this.fwk = new Framework(inTreeRegistry, profile, {
      clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')),
      nodes: () => this.cache.nodes(),
      node: (name) => this.cache.node(name),
      namespaceLabels: (ns) => opts.namespaceLabels?.[ns] ?? {},
      defaultSpreadSelector: opts.defaultSpreadSelector ?? (() => LabelMatcher.everything()),
      nominatedPods: (node) => nominated.get(node) ?? [],
      preempt: (preemptor, node, victims) =>
        this.preemptions.push({ preemptor: preemptor.key, node, victims: victims.map((v) => v.key) }),
    });
    this.handle = this.fwk.handle;
    let seed = 1;
    this.scheduler = new PodScheduler(this.fwk, {
      percentageOfNodesToScore: opts.percentageOfNodesToScore,
      random: () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646,
    });
  }

  nodes(): readonly NodeInfo[] {
    return this.cache.nodes();
  }

  node(name: string): NodeInfo {
    const n = this.cache.node(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** preFilter then filter on every node: the status per node name (undefined: fits). */
  filter(pod: Pod): Record<string, string | undefined> & { _preFilter?: string } {
    const pi = newPodInfo(pod);
    const state = new CycleState();
    const pre = this.fwk.runPreFilterPlugins(state, pi, this.nodes());
    const out: Record<string, string | undefined> & { _preFilter?: string } = {};
    if (pre.status) {
      out._preFilter = pre.status.message();
      return out;
    }
    for (const n of this.nodes()) out[n.name] = this.fwk.runFilterPlugins(state, pi, n)?.message();
    return out;
  }

  /** Weighted, normalized scores of the nodes that pass filtering. */
  scores(pod: Pod): Record<string, number> {
    const pi = newPodInfo(pod);
    const state = new CycleState();
    this.fwk.runPreFilterPlugins(state, pi, this.nodes());
    const feasible = this.nodes().filter((n) => !this.fwk.runFilterPlugins(state, pi, n));
    const pre = this.fwk.runPreScorePlugins(state, pi, feasible);
    if (pre) throw new Error(`preScore failed: ${pre.message()}`);
    const totals = this.fwk.runScorePlugins(state, pi, feasible);
    if (!Array.isArray(totals)) throw new Error(`score failed: ${totals.message()}`);
    return Object.fromEntries(feasible.map((n, i) => [n.name, totals[i]!]));
  }

  /** A whole decision: the node name, or the FitError message (postFilter included). */
  schedule(pod: Pod): { node?: string; message?: string; result?: ScheduleResult } {
    const pi: PodInfo = newPodInfo(pod);
    const state = new CycleState();
    const r = this.scheduler.schedule(state, pi, this.nodes());
    if (r instanceof FitError) {
      if (this.fwk.hasPostFilterPlugins() && r.numAllNodes > 0) {
        const post = this.fwk.runPostFilterPlugins(state, pi, r.statuses);
        if (post.status && post.status.code !== 'Success') r.postFilterMsg = post.status.message();
      }
      return { message: r.message() };
    }
    if ((r as Status).code !== undefined) return { message: (r as Status).message() };
    const res = r as ScheduleResult;
    return { node: res.nodeName, result: res };
  }

  /** Schedule and assume, as the scheduler does, so the next pod sees this one. */
  place(pod: Pod): string | undefined {
    const r = this.schedule(pod);
    if (r.node) this.cache.addPod({ ...pod, spec: { ...pod.spec!, nodeName: r.node } });
    return r.node;
  }
}
