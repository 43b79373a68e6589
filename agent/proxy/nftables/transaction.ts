// The `nft -f` input for one sync: one transaction, applied whole or not at all. A full sync
// flushes our table (every chain's rules and the shared maps; affinity sets keep their clients),
// writes it all again and deletes leftovers. A partial sync rewrites only the changed services'
// chains and swaps only their map elements, so its size follows the change, not the cluster.
import { ADD_ONLY_SETS, baseChains, FAMILY, NODEPORT_IPS, SHARED_SETS, T, TABLE } from './base-table.ts';
import { emptyObjects, type NftElement, type ServiceObjects } from './service-objects.ts';

export interface FullSyncInput {
  /** Every service's objects. */
  services: Iterable<ServiceObjects>;
  /** NodePort addresses; undefined: every local address (fib), and @nodeport-ips stays empty. */
  nodePortIPs?: readonly string[];
  /** The ClusterIP range: its addresses no service has are dropped (a static rule: full syncs only). */
  serviceCIDR?: string;
  /** Per-service chains and sets found in the table before (a restart): deleted unless still used. */
  existingChains?: Iterable<string>;
  existingSets?: Iterable<string>;
}

/** One chain in `table ip kube-proxy { ... }` syntax, as one string (a full sync writes 10,000s). */
const chainBlock = (name: string, rules: readonly string[], hook?: string) =>
  `\tchain ${name} {\n${hook ? `\t\t${hook} ;\n` : ''}${rules.length ? `\t\t${rules.join('\n\t\t')}\n` : ''}\t}`;

const addElements = (set: string, elements: Iterable<string>) => {
  const list = Array.isArray(elements) ? (elements as string[]) : [...elements];
  return list.length ? [`add element ${T} ${set} { ${list.join(', ')} }`] : [];
};

/** Text handed to nft in pieces of about this size, so it parses while the rest is built. */
const PIECE_CHARS = 64 * 1024;

/**
 * A full sync's text in pieces, each ending with a newline: the table flushed and its shared
 * sets declared, then the services' sets and chains a piece at a time (as `services` yields
 * them), then every map element, then `delete`s for `existingChains`/`existingSets` not used.
 */
export function* fullSyncPieces(input: FullSyncInput): Generator<string> {
  yield [
    `add table ${T} { comment "rules for kube-proxy" ; }`,
    `flush table ${T}`,
    `table ${FAMILY} ${TABLE} {`,
    ...SHARED_SETS.map((s) => `\t${s.kind} ${s.name} { type ${s.type} ; comment "${s.comment}" ; }`),
    '}',
    // `flush table` empties chains, not sets: the shared ones are rewritten whole.
    ...SHARED_SETS.map((s) => `flush ${s.kind} ${T} ${s.name}`),
    `table ${FAMILY} ${TABLE} {`,
    ...baseChains(input).map((c) => chainBlock(c.name, c.rules, c.hook)),
    '}',
    '',
  ].join('\n');
  const elements = new Map<string, string[]>(SHARED_SETS.map((s) => [s.name, []]));
  const used = { chains: new Map<string, true>(), sets: new Map<string, true>() };
  const trackUsed = input.existingChains !== undefined || input.existingSets !== undefined;
  // Each piece is its own `table { }` block: a service's sets come before its chains, its
  // endpoint chains before the service chains that jump to them.
  let piece: string[] = [];
  let size = 0;
  for (const objects of input.services) {
    for (const { name, definition } of objects.sets) {
      const line = `\tset ${name} { ${definition} }`;
      piece.push(line);
      size += line.length;
      if (trackUsed) used.sets.set(name, true);
    }
    for (const { name, rules } of objects.chains) {
      const block = chainBlock(name, rules);
      piece.push(block);
      size += block.length;
      if (trackUsed) used.chains.set(name, true);
    }
    for (const e of objects.elements) elements.get(e.set)!.push(e.text);
    if (size >= PIECE_CHARS) {
      yield `table ${FAMILY} ${TABLE} {\n${piece.join('\n')}\n}\n`;
      piece = [];
      size = 0;
    }
  }
  if (piece.length > 0) yield `table ${FAMILY} ${TABLE} {\n${piece.join('\n')}\n}\n`;
  const nodePortIPs = (input.nodePortIPs ?? []).filter((ip) => !ip.startsWith('127.'));
  const adds = addElements(NODEPORT_IPS, nodePortIPs);
  for (const [set, list] of elements)
    adds.push(...addElements(set, ADD_ONLY_SETS.has(set) ? new Set(list) : list));
  if (adds.length > 0) yield `${adds.join('\n')}\n`;
  if (trackUsed) yield leftoverDeletes(input.existingChains ?? [], input.existingSets ?? [], used);
}

export function fullSyncText(input: FullSyncInput): string {
  return [...fullSyncPieces(input)].join('');
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

/** A service's elements by set and key (a few; only partial syncs look them up). */
function elementIndex(objects: ServiceObjects): Map<string, NftElement> {
  return new Map(objects.elements.map((e) => [`${e.set} ${e.key}`, e]));
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
    for (const { name } of before.chains) flushes.push(`flush chain ${T} ${name}`);
    const old = elementIndex(before);
    const now = elementIndex(after);
    for (const [id, e] of old)
      if (now.get(id)?.text !== e.text && !ADD_ONLY_SETS.has(e.set)) push(elementDeletes, e.set, e.key);
    for (const [id, e] of now) if (old.get(id)?.text !== e.text) push(elementAdds, e.set, e.text);
    const afterChains = new Set(after.chains.map((c) => c.name));
    const afterSets = new Set(after.sets.map((c) => c.name));
    for (const { name } of before.chains)
      if (!afterChains.has(name)) deletes.push(`delete chain ${T} ${name}`);
    for (const { name } of before.sets) if (!afterSets.has(name)) deletes.push(`delete set ${T} ${name}`);
    const beforeSets = new Map(before.sets.map((c) => [c.name, c.definition]));
    for (const { name, definition } of after.sets)
      if (beforeSets.get(name) !== definition) setDefs.push(`\tset ${name} { ${definition} }`);
    for (const { name, rules } of after.chains) chainBlocks.push(chainBlock(name, rules));
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
