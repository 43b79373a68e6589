// Which pods the pods screen lists, in what order: by namespace, then name, compared as plain
// strings like kubectl (and like the server's own list order, so the first page of a list is
// already the top of the screen). Only the filter and the sort run over all 5,000 pods; the
// columns (status, ready, restarts) are worked out for the rows on screen.
interface Named {
  metadata: { name: string; namespace?: string };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const byNamespaceThenName = (a: Named, b: Named) =>
  compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
  compare(a.metadata.name, b.metadata.name);

/** The pods whose name or namespace contains `filter` (any case), sorted; a new array. */
export function podRows<T extends Named>(pods: readonly T[], filter: string): T[] {
  const f = filter.trim().toLowerCase();
  const shown = f
    ? pods.filter(
        (p) =>
          p.metadata.name.toLowerCase().includes(f) || (p.metadata.namespace ?? '').toLowerCase().includes(f),
      )
    : pods.slice();
  return shown.sort(byNamespaceThenName);
}
