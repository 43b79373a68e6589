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
});
