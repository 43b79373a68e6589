// A parsed label selector: the AND of its requirements (upstream labels.Selector).
import {
  matchesRequirement,
  newRequirement,
  requirementString,
  type Labels,
  type Requirement,
} from './requirement.ts';

export class LabelMatcher {
  /** `nothing` matches no object at all (a nil LabelSelector), unlike an empty selector. */
  private constructor(
    readonly requirements: readonly Requirement[],
    private readonly nothing = false,
  ) {}

  /** Requirements are kept sorted by key, like upstream, so String() is deterministic. */
  static of(requirements: Requirement[]): LabelMatcher {
    return new LabelMatcher([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  static everything(): LabelMatcher {
    return everythingMatcher;
  }

  static nothing(): LabelMatcher {
    return nothingMatcher;
  }

  /** Matches labels equal to every entry of `set` (upstream SelectorFromSet). */
  static fromSet(set: Labels): LabelMatcher {
    return LabelMatcher.of(Object.entries(set).map(([k, v]) => ({ key: k, operator: '=', values: [v] })));
  }

  /** Like fromSet, validating keys and values (upstream ValidatedSelectorFromSet). */
  static fromValidatedSet(set: Labels): LabelMatcher {
    return LabelMatcher.of(Object.entries(set).map(([k, v]) => newRequirement(k, '=', [v])));
  }

  matches(labels: Labels | undefined | null): boolean {
    if (this.nothing) return false;
    const ls = labels ?? {};
    return this.requirements.every((r) => matchesRequirement(r, ls));
  }

  /** True when it selects everything. */
  empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matchesNothing(): boolean {
    return this.nothing;
  }

  /** The single value a key must equal, if the selector pins one (upstream RequiresExactMatch). */
  requiresExactMatch(key: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== key) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1)
        return r.values[0];
      return undefined;
    }
    return undefined;
  }

  add(...reqs: Requirement[]): LabelMatcher {
    return LabelMatcher.of([...this.requirements, ...reqs]);
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

const everythingMatcher = LabelMatcher.of([]);
const nothingMatcher = new (LabelMatcher as any)([], true) as LabelMatcher;
