import { describe, expect, it } from 'vitest';
import {
  bridgeName,
  clusterTag,
  hostVethName,
  isHostVethOf,
  namespaceName,
  namespacePrefix,
  validateName,
} from './names.ts';

describe('netns names', () => {
  it('fit Linux interface names (15 bytes) however long the cluster name', () => {
    const long = 'a-very-long-cluster-name-that-goes-on';
    expect(bridgeName(long).length).toBeLessThanOrEqual(15);
    expect(hostVethName(long, 253).length).toBeLessThanOrEqual(15);
    expect(bridgeName('demo')).toBe('flt-demo');
    expect(hostVethName('demo', 2)).toBe('fv2-demo');
  });

  it('never let one cluster match another cluster names', () => {
    // 'a' is a prefix of 'a-1', but neither's patterns match the other's objects.
    expect(namespaceName('a-1', 'n')).not.toMatch(new RegExp(`^${namespacePrefix('a')}`));
    expect(isHostVethOf('a', hostVethName('a-1', 1))).toBe(false);
    expect(isHostVethOf('a-1', hostVethName('a', 1))).toBe(false);
    expect(isHostVethOf('a', hostVethName('a', 12))).toBe(true);
    expect(bridgeName('a-1')).not.toBe(hostVethName('a', 1));
  });

  it('keep a long cluster name stable across calls', () => {
    expect(clusterTag('production-like-cluster')).toBe(clusterTag('production-like-cluster'));
    expect(clusterTag('production-like-cluster')).not.toBe(clusterTag('production-like-cluster2'));
  });

  it('accept DNS labels only', () => {
    expect(() => validateName('cluster', 'demo-1')).not.toThrow();
    for (const bad of ['', 'Demo', 'a_b', '-a', 'a.b', 'x'.repeat(64)]) {
      expect(() => validateName('cluster', bad)).toThrow(/invalid cluster name/);
    }
  });
});
