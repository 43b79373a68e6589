import { describe, expect, it } from 'vitest';
import { rankItems } from './command-palette.ts';

describe('command palette ranking', () => {
  const items = [
    { label: 'Pods', hint: 'screen', to: '/pods' },
    { label: 'web-7f9c-abcde', hint: 'Pod', to: '/pods/default/web-7f9c-abcde' },
    { label: 'my-web', hint: 'Deployment', to: '/workloads/deployments' },
    { label: 'Nodes', hint: 'screen', to: '/nodes' },
  ];
  it('puts names that start with the query first and drops the rest', () => {
    expect(rankItems(items, 'web').map((i) => i.label)).toEqual(['web-7f9c-abcde', 'my-web']);
    expect(rankItems(items, 'NOD').map((i) => i.label)).toEqual(['Nodes']);
    expect(rankItems(items, '').length).toBe(4);
  });
});
