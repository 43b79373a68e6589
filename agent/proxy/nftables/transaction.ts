// The `nft -f -` input for one sync: one transaction, applied whole or not at all. A full sync
// flushes our table (every chain's rules and the shared maps; affinity sets keep their clients),
// writes it all again and deletes leftovers. A partial sync rewrites only the changed services'
// chains and swaps only their map elements, so its size follows the change, not the cluster.
import { ADD_ONLY_SETS, baseChains, FAMILY, NODEPORT_IPS, SHARED_SETS, T, TABLE } from './base-table.ts';
import { emptyObjects, type ServiceObjects } from './service-objects.ts';

export interface FullSyncInput {
  /** Every service's objects. */
  services: Iterable<ServiceObjects>;
  /** NodePort addresses; undefined: every local address (fib), and @nodeport-ips stays empty. */
  nodePortIPs?: readonly string[];
  /** Per-service chains and sets found in the table before (a restart): deleted unless still used. */
  existingChains?: Iterable<string>;
  existingSets?: Iterable<string>;
}

const chainBlock = (name: string, rules: readonly string[], hook?: string) =>
  [`\tchain ${name} {`, ...(hook ? [`\t\t${hook} ;`] : []), ...rules.map((r) => `\t\t${r}`), '\t}'].join(
    '\n',
  );

const addElements = (set: string, elements: Iterable<string>) => {
  const list = [...elements];
  return list.length ? [`add element ${T} ${set} { ${list.join(', ')} }`] : [];
};

export function fullSyncText(input: FullSyncInput): string {
  // One flat list of lines joined once: with 10,000 services this is 200,000 lines, and
  // per-chain arrays and joins were most of the time spent here.
  const setLines: string[] = [];
  const chainLines: string[] = [];
  const elements = new Map<string, string[]>();
  const used = { chains: new Map<string, true>(), sets: new Map<string, true>() };
  const trackUsed = input.existingChains !== undefined || input.existingSets !== undefined;
  for (const objects of input.services) {
    for (const [name, def] of objects.sets) {
      setLines.push(`\tset ${name} { ${def} }`);
      if (trackUsed) used.sets.set(name, true);
    }
    for (const [name, rules] of objects.chains) {
      chainLines.push(`\tchain ${name} {`);
      for (const rule of rules) chainLines.push(`\t\t${rule}`);
      chainLines.push('\t}');
      if (trackUsed) used.chains.set(name, true);
    }
    for (const [set, byKey] of objects.elements) {
      let list = elements.get(set);
      if (!list) elements.set(set, (list = []));
      for (const e of byKey.values()) list.push(e);
    }
  }
  const nodePortIPs = (input.nodePortIPs ?? []).filter((ip) => !ip.startsWith('127.'));
  const out = [
    `add table ${T} { comment "rules for kube-proxy" ; }`,
    `flush table ${T}`,
    `table ${FAMILY} ${TABLE} {`,
    ...SHARED_SETS.map((s) => `\t${s.kind} ${s.name} { type ${s.type} ; comment "${s.comment}" ; }`),
    ...setLines,
    '}',
    // `flush table` empties chains, not sets: the shared ones are rewritten whole.
    ...SHARED_SETS.map((s) => `flush ${s.kind} ${T} ${s.name}`),
    `table ${FAMILY} ${TABLE} {`,
    ...baseChains(input).map((c) => chainBlock(c.name, c.rules, c.hook)),
  ];
  for (const line of chainLines) out.push(line);
  out.push('}', ...addElements(NODEPORT_IPS, nodePortIPs));
  for (const [set, list] of elements)
    out.push(...addElements(set, ADD_ONLY_SETS.has(set) ? new Set(list) : list));
  out.push(leftoverDeletes(input.existingChains ?? [], input.existingSets ?? [], used));
  return out.join('\n');
}

/**
 * Deletes for per-service chains and sets an earlier run left (after a restart), appended to a
 * full sync: by then they are empty (flushed with the table) and nothing refers to them (the
 * maps were rewritten without them). Ends with a newline.
 */
export function leftoverDeletes(
  existingChains: Iterable<string>,
  existingSets: Iterable<string>,
  used: { chains: ReadonlyMap<string, unknown>; sets: ReadonlyMap<string, unknown> },
): string {
  const out: string[] = [];
  for (const name of existingChains) if (!used.chains.has(name)) out.push(`delete chain ${T} ${name}`);
  for (const name of existingSets) if (!used.sets.has(name)) out.push(`delete set ${T} ${name}`);
  out.push('');
  return out.join('\n');
}

export interface PartialSyncInput {
  /** What the last sync wrote for each changed service, and what it should be now (absent: none). */
  changes: Iterable<{ before?: ServiceObjects; after?: ServiceObjects }>;
  /** NodePort addresses when they changed since the last sync (rewritten whole). */
  nodePortIPs?: readonly string[];
}

/** Only what the changed services own; nothing else in the table is touched. */
export function partialSyncText(input: PartialSyncInput): string {
  const flushes: string[] = [];
  const elementDeletes = new Map<string, string[]>();
  const elementAdds = new Map<string, string[]>();
  const deletes: string[] = [];
  const setDefs: string[] = [];
  const chainBlocks: string[] = [];
  const push = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const { before = emptyObjects(), after = emptyObjects() } of input.changes) {
    // Flush every old chain first: then nothing of the service's references the chains and sets that go.
    for (const name of before.chains.keys()) flushes.push(`flush chain ${T} ${name}`);
    for (const [set, old] of before.elements) {
      if (ADD_ONLY_SETS.has(set)) continue;
      const now = after.elements.get(set);
      for (const [key, text] of old) if (now?.get(key) !== text) push(elementDeletes, set, key);
    }
    for (const [set, now] of after.elements) {
      const old = before.elements.get(set);
      for (const [key, text] of now) if (old?.get(key) !== text) push(elementAdds, set, text);
    }
    for (const name of before.chains.keys())
      if (!after.chains.has(name)) deletes.push(`delete chain ${T} ${name}`);
    for (const name of before.sets.keys()) if (!after.sets.has(name)) deletes.push(`delete set ${T} ${name}`);
    for (const [name, def] of after.sets)
      if (before.sets.get(name) !== def) setDefs.push(`\tset ${name} { ${def} }`);
    for (const [name, rules] of after.chains) chainBlocks.push(chainBlock(name, rules));
  }
  const out = [...flushes];
  for (const [set, keys] of elementDeletes) out.push(`delete element ${T} ${set} { ${keys.join(', ')} }`);
  out.push(...deletes);
  if (setDefs.length || chainBlocks.length)
    out.push(`table ${FAMILY} ${TABLE} {`, ...setDefs, ...chainBlocks, '}');
  if (input.nodePortIPs) {
    out.push(`flush set ${T} ${NODEPORT_IPS}`);
    out.push(
      ...addElements(
        NODEPORT_IPS,
        input.nodePortIPs.filter((ip) => !ip.startsWith('127.')),
      ),
    );
  }
  for (const [set, list] of elementAdds) out.push(...addElements(set, list));
  out.push('');
  return out.join('\n');
}
