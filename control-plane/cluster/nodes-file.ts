// nodes.json: the ProvisionedNodes of a cluster, as their providers returned them. Written
// after every change so a crash never loses a node that exists (delete finds it here).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ProvisionedNode } from '../provision/provider.ts';

export function readNodes(file: string): ProvisionedNode[] {
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as ProvisionedNode[];
}

export function writeNodes(file: string, nodes: ProvisionedNode[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(nodes, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The next free `node-<k>` name and its index (1-based, lowest free). */
export function nextNodeName(nodes: Pick<ProvisionedNode, 'name'>[]): { name: string; index: number } {
  return nextNodeNames(nodes, 1)[0]!;
}

/** The next `count` free `node-<k>` names and their indexes, lowest first. */
export function nextNodeNames(
  nodes: Pick<ProvisionedNode, 'name'>[],
  count: number,
): { name: string; index: number }[] {
  const taken = new Set(nodes.map((n) => n.name));
  const names: { name: string; index: number }[] = [];
  for (let index = 1; names.length < count; index++)
    if (!taken.has(`node-${index}`)) names.push({ name: `node-${index}`, index });
  return names;
}
