import { describe, expect, it } from 'vitest';
import { listPages, type KubeList, type KubeObject } from './client.ts';

/** A collection of `total` objects served `limit` at a time, as the API server pages a LIST. */
function pagedCollection(total: number) {
  const requests: string[] = [];
  const get = async (path: string): Promise<KubeList<KubeObject>> => {
    requests.push(path);
    const q = new URL(path, 'https://api.invalid').searchParams;
    const from = Number(q.get('continue') ?? 0);
    const to = Math.min(total, from + Number(q.get('limit')));
    await new Promise((r) => setTimeout(r, 1));
    return {
      metadata: { resourceVersion: '42', ...(to < total ? { continue: String(to) } : {}) },
      items: Array.from({ length: to - from }, (_, i) => ({ metadata: { name: `pod-${from + i}` } })),
    };
  };
  return { get, requests };
}

describe('listPages', () => {
  it('yields every page in order, following continue tokens', async () => {
    const server = pagedCollection(1200);
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const page of listPages('/api/v1/pods', 500, server.get)) {
      sizes.push(page.items.length);
      names.push(...page.items.map((i) => i.metadata.name));
    }
    expect(sizes).toEqual([500, 500, 200]);
    expect(names).toEqual(Array.from({ length: 1200 }, (_, i) => `pod-${i}`));
    expect(server.requests).toEqual([
      '/api/v1/pods?limit=500',
      '/api/v1/pods?limit=500&continue=500',
      '/api/v1/pods?limit=500&continue=1000',
    ]);
  });

  it('has asked for the next page before the caller gets this one', async () => {
    const server = pagedCollection(1500);
    const askedWhenHandedOver: number[] = [];
    for await (const _page of listPages('/api/v1/pods?labelSelector=app%3Dweb', 500, server.get))
      askedWhenHandedOver.push(server.requests.length);
    expect(askedWhenHandedOver).toEqual([2, 3, 3]);
    expect(server.requests[1]).toBe('/api/v1/pods?labelSelector=app%3Dweb&limit=500&continue=500');
  });

  it('passes a failed page on to the caller, and a caller that stops early leaves nothing failing', async () => {
    let calls = 0;
    const failing = async (): Promise<KubeList<KubeObject>> => {
      if (++calls > 1) throw new Error('410: continue token expired');
      return { metadata: { resourceVersion: '1', continue: 'x' }, items: [] };
    };
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of listPages('/api/v1/pods', 500, failing)) seen.push(page.items.length);
      })(),
    ).rejects.toThrow('continue token expired');
    expect(seen).toEqual([0]);

    calls = 0;
    for await (const _page of listPages('/api/v1/pods', 500, failing)) break;
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(2);
  });
});
