import { describe, expect, it } from 'vitest';
import type { ProvisionedNode } from '../provision/provider.ts';
import { nextNodeName } from './nodes-file.ts';

const named = (...names: string[]) => names.map((name) => ({ name }) as ProvisionedNode);

describe('nextNodeName', () => {
  it('numbers nodes from 1 and reuses the lowest free number', () => {
    expect(nextNodeName([])).toEqual({ name: 'node-1', index: 1 });
    expect(nextNodeName(named('node-1', 'node-2'))).toEqual({ name: 'node-3', index: 3 });
    expect(nextNodeName(named('node-1', 'node-3'))).toEqual({ name: 'node-2', index: 2 });
    expect(nextNodeName(named('worker', 'node-1'))).toEqual({ name: 'node-2', index: 2 });
  });
});
