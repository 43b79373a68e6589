import { describe, expect, it } from 'vitest';
import type { KubeObject } from './client.ts';
import { WatchCache, type WatchEvent } from './watch-cache.ts';

const pod = (name: string, rv: string, phase = 'Pending'): KubeObject => ({
  metadata: { name, namespace: 'default', resourceVersion: rv },
  status: { phase },
});

describe('WatchCache', () => {
  it('applies a burst of events in order and resumes from the last resourceVersion', () => {
    const cache = new WatchCache();
    cache.reset([pod('a', '5')], '10');
    const events: WatchEvent[] = [];
    for (let i = 0; i < 500; i++) events.push({ type: 'ADDED', object: pod(`p${i}`, String(11 + i)) });
    events.push({ type: 'MODIFIED', object: pod('a', '600', 'Running') });
    events.push({ type: 'DELETED', object: pod('p0', '601') });
    events.push({ type: 'BOOKMARK', object: { metadata: { name: '', resourceVersion: '700' } } });
    expect(cache.apply(events)).toBe(true);
    expect(cache.objects.size).toBe(500);
    expect(cache.objects.get('default/a')?.['status']).toEqual({ phase: 'Running' });
    expect(cache.objects.has('default/p0')).toBe(false);
    expect(cache.resourceVersion).toBe('700');
  });

  it('asks for a new list when the watch is too old (410 Gone)', () => {
    const cache = new WatchCache();
    cache.reset([], '10');
    const gone = { type: 'ERROR', object: { code: 410, metadata: { name: '' } } } as unknown as WatchEvent;
    expect(cache.apply([gone])).toBe(false);
  });

  it('shows the pages of a first list as they come, and watches only from a complete list', () => {
    const cache = new WatchCache();
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => pod(`p${from + i}`, '1'));
    expect(cache.addPage({ items: page(0, 500), resourceVersion: '900', first: true, last: false })).toBe(
      true,
    );
    expect(cache.objects.size).toBe(500);
    expect(cache.resourceVersion).toBe('');
    // The list fails after its second page: listing again starts over, nothing is doubled.
    cache.addPage({ items: page(500, 500), resourceVersion: '900', first: false, last: false });
    expect(cache.objects.size).toBe(1000);
    expect(cache.resourceVersion).toBe('');
    cache.addPage({ items: page(0, 500), resourceVersion: '950', first: true, last: false });
    expect(cache.objects.size).toBe(500);
    expect(cache.addPage({ items: page(500, 200), resourceVersion: '950', first: false, last: true })).toBe(
      true,
    );
    expect(cache.objects.size).toBe(700);
    expect(cache.resourceVersion).toBe('950');
  });

  it('keeps showing the old objects while a relist is under way, then swaps them at its last page', () => {
    const cache = new WatchCache();
    cache.addPage({
      items: [pod('old', '1'), pod('kept', '1')],
      resourceVersion: '10',
      first: true,
      last: true,
    });
    const shown = cache.objects;
    expect(
      cache.addPage({ items: [pod('kept', '20')], resourceVersion: '30', first: true, last: false }),
    ).toBe(false);
    expect([...cache.objects.keys()]).toEqual(['default/old', 'default/kept']);
    expect(
      cache.addPage({ items: [pod('new', '25')], resourceVersion: '30', first: false, last: true }),
    ).toBe(true);
    expect([...cache.objects.keys()]).toEqual(['default/kept', 'default/new']);
    expect(cache.objects.get('default/kept')?.metadata.resourceVersion).toBe('20');
    expect(cache.resourceVersion).toBe('30');
    // Whoever held the old map still has the old list, untouched.
    expect(shown.size).toBe(2);
    expect(shown.has('default/old')).toBe(true);
  });
});
