// Log search without UI: the log text cut into plain and matching pieces, so the viewer can
// highlight every match and step through them. Case-insensitive, literal (no regex surprises).
export interface LogSegment {
  text: string;
  /** Index of the match this piece is, or undefined for plain text. */
  match?: number;
}

export function searchLog(text: string, query: string): { segments: LogSegment[]; matches: number } {
  if (!query) return { segments: [{ text }], matches: 0 };
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  const segments: LogSegment[] = [];
  let from = 0;
  let matches = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    if (at > from) segments.push({ text: text.slice(from, at) });
    segments.push({ text: text.slice(at, at + needle.length), match: matches++ });
    from = at + needle.length;
  }
  if (from < text.length) segments.push({ text: text.slice(from) });
  return { segments, matches };
}

/** The next (step 1) or previous (step -1) match, wrapping around at both ends. */
export function stepMatch(current: number, step: 1 | -1, matches: number): number {
  if (matches === 0) return 0;
  return (((current + step) % matches) + matches) % matches;
}

/** A download name for a container's logs: namespace_pod_container.log. */
export function logFileName(namespace: string, pod: string, container: string): string {
  return `${[namespace, pod, container].join('_').replace(/[^\w.-]+/g, '-')}.log`;
}
