import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import { NodeResourcesBalancedAllocation } from './names.ts';

describe('NodeResourcesBalancedAllocation', () => {
  const nodes = [makeNode().name('cpu-heavy').obj(), makeNode().name('even').obj()];
  const pods = [
    makePod().name('e1').req({ cpu: '3', memory: '1Gi' }).node('cpu-heavy').obj(),
    makePod().name('e2').req({ cpu: '1', memory: '2Gi' }).node('even').obj(),
  ];

  it('prefers the node where CPU and memory end up used alike (1 - std deviation)', () => {
    const f = new Fixture({ nodes, pods, plugins: [NodeResourcesBalancedAllocation] });
    // cpu-heavy: cpu 4/4=1, mem 2/8=.25 -> std .375 -> 62;  even: cpu 2/4=.5, mem 3/8=.375 -> std .0625 -> 93
    expect(f.scores(makePod().req({ cpu: '1', memory: '1Gi' }).obj())).toEqual({ 'cpu-heavy': 62, even: 93 });
  });

  it('skips pods that request nothing it balances', () => {
    const f = new Fixture({ nodes, pods, plugins: [NodeResourcesBalancedAllocation] });
    expect(f.scores(makePod().obj())).toEqual({ 'cpu-heavy': 0, even: 0 });
  });
});
