// What the command palette (Ctrl/Cmd+K) offers: commands and screens, then objects by name,
// ranked so that names starting with the query come first.
export interface PaletteItem {
  label: string;
  /** Kind or section, shown dimmed. */
  hint: string;
  /** A screen to go to, or */
  to?: string;
  /** a command to run (open a terminal, toggle the dock). */
  run?: () => void;
}

export function rankItems(items: PaletteItem[], query: string, limit = 12): PaletteItem[] {
  const q = query.trim().toLowerCase();
  if (!q) return items.slice(0, limit);
  const scored: { item: PaletteItem; score: number }[] = [];
  for (const item of items) {
    const label = item.label.toLowerCase();
    const at = label.indexOf(q);
    if (at < 0) continue;
    scored.push({ item, score: (at === 0 ? 0 : 1000) + at * 10 + label.length });
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map((s) => s.item);
}
