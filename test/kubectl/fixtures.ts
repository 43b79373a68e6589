// Expected `kubectl get` output, written as fixtures from upstream's printers
// (k8s.io/kubernetes/pkg/printers/internalversion/printers.go), and the comparison with what the
// real kubectl prints. A fixture file holds blocks:
//
//   # comment
//   $ get pods -o wide                       <- kubectl arguments (run with -n tables)
//   NAME | READY | STATUS | ...              <- header, cells separated by `|`
//   crash | 0/1 | CrashLoopBackOff | ...     <- one line per row, in order
//
// A cell may use `*` (anything) and `?` (one character) for what depends on the clock (ages).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureBlock {
  file: string;
  args: string[];
  header: string[];
  rows: string[][];
}

const splitCells = (line: string) => line.split('|').map((c) => c.trim());

export function loadFixtures(dir: string): FixtureBlock[] {
  const blocks: FixtureBlock[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    let current: FixtureBlock | undefined;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      if (line.startsWith('$ ')) {
        current = { file, args: line.slice(2).trim().split(/\s+/), header: [], rows: [] };
        blocks.push(current);
      } else if (!current) throw new Error(`${file}: table line before a "$ " command: ${line}`);
      else if (current.header.length === 0) current.header = splitCells(line);
      else current.rows.push(splitCells(line));
    }
  }
  return blocks;
}

/**
 * kubectl's table as cells. Columns are left-aligned by a tabwriter, so every cell starts where
 * its header starts; headers themselves may contain single spaces ("NOMINATED NODE").
 */
export function parseKubectlTable(output: string): { header: string[]; rows: string[][] } {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return { header: [], rows: [] };
  const headerLine = lines[0]!;
  const header = headerLine.trim().split(/\s{2,}/);
  const starts: number[] = [];
  let from = 0;
  for (const h of header) {
    const at = headerLine.indexOf(h, from);
    starts.push(at);
    from = at + h.length;
  }
  const rows = lines
    .slice(1)
    .map((line) =>
      starts.map((start, i) => line.slice(start, i + 1 < starts.length ? starts[i + 1] : undefined).trim()),
    );
  return { header, rows };
}

function cellPattern(expected: string): RegExp {
  const escaped = expected
    .replace(/[.+^${}()[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Differences between a fixture and kubectl's output, one line each; empty when they agree. */
export function compareTable(block: FixtureBlock, output: string): string[] {
  const actual = parseKubectlTable(output);
  const problems: string[] = [];
  if (actual.header.join(' | ') !== block.header.join(' | '))
    problems.push(`header: expected "${block.header.join(' | ')}", got "${actual.header.join(' | ')}"`);
  if (actual.rows.length !== block.rows.length)
    problems.push(`expected ${block.rows.length} rows, got ${actual.rows.length}`);
  block.rows.forEach((expected, r) => {
    const got = actual.rows[r] ?? [];
    const ok = expected.length === got.length && expected.every((cell, i) => cellPattern(cell).test(got[i]!));
    if (!ok) problems.push(`row ${r + 1}: expected "${expected.join(' | ')}", got "${got.join(' | ')}"`);
  });
  return problems;
}
