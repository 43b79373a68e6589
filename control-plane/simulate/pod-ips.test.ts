import { describe, expect, it } from 'vitest';
import { fallbackPodCIDR, PodIPAllocator } from './pod-ips.ts';

describe('PodIPAllocator', () => {
  it('hands out addresses from .2 on, the same one again for the same pod', () => {
    const a = new PodIPAllocator('10.244.3.0/24');
    expect(a.allocate('ns/a')).toBe('10.244.3.2');
    expect(a.allocate('ns/b')).toBe('10.244.3.3');
    expect(a.allocate('ns/a')).toBe('10.244.3.2');
  });

  it('reuses released addresses and never hands out one a pod already has', () => {
    const a = new PodIPAllocator('10.0.0.0/29'); // .2 .. .6 usable
    a.reserve('ns/old', '10.0.0.3');
    const got = ['a', 'b', 'c', 'd'].map((k) => a.allocate(k));
    expect(got).toEqual(['10.0.0.2', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(() => a.allocate('e')).toThrow(/full/);
    a.release('b');
    expect(a.allocate('e')).toBe('10.0.0.4');
  });

  it('has a deterministic range per node until the node gets a podCIDR', () => {
    expect(fallbackPodCIDR(0)).toBe('100.64.1.0/24');
    expect(fallbackPodCIDR(299)).toBe('100.65.44.0/24');
    const a = new PodIPAllocator(fallbackPodCIDR(0));
    expect(a.allocate('x')).toBe('100.64.1.2');
    a.setCidr('10.244.7.0/24');
    expect(a.allocate('y')).toBe('10.244.7.2');
  });
});
