import { describe, expect, it } from 'vitest';
import { memoryMiB, specProblems } from './spec.ts';

describe('cluster spec', () => {
  it('accepts a plain netns spec', () => {
    expect(specProblems({ name: 'demo', provider: 'netns', nodes: 2 })).toEqual([]);
    expect(specProblems({ name: 'demo', provider: 'netns', nodes: 2, proxyMode: 'nftables' })).toEqual([]);
  });

  it.each([
    [{ name: 'Demo', provider: 'netns', nodes: 1 }, /^name:/],
    [{ name: 'demo_1', provider: 'netns', nodes: 1 }, /^name:/],
    [{ name: 'a'.repeat(33), provider: 'netns', nodes: 1 }, /^name:/],
    [{ name: 'demo', provider: '', nodes: 1 }, /^provider:/],
    [{ name: 'demo', provider: 'netns', nodes: 0 }, /^nodes:/],
    [{ name: 'demo', provider: 'netns', nodes: 1.5 }, /^nodes:/],
    [{ name: 'demo', provider: 'netns', nodes: 1, memory: 'lots' }, /^memory:/],
    [
      { name: 'demo', provider: 'netns', nodes: 1, registries: { mirrors: { 'docker.io': ['ftp://m'] } } },
      /^registries/,
    ],
    // Not a mode the type allows, but cluster.yaml is written by hand.
    [{ name: 'demo', provider: 'netns', nodes: 1, ...({ proxyMode: 'ipvs' } as object) }, /^proxyMode:/],
  ])('says what is wrong with %j', (spec, problem) => {
    expect(specProblems(spec)).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    [undefined, 2048],
    [1024, 1024],
    ['2Gi', 2048],
    ['2G', 2048],
    ['512Mi', 512],
    ['512', 512],
    ['lots', undefined],
    [-1, undefined],
  ])('reads memory %j as %j MiB', (memory, mib) => {
    expect(memoryMiB(memory)).toBe(mib);
  });
});
