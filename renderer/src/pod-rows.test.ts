import { describe, expect, it } from 'vitest';
import { podRows } from './pod-rows.ts';

const pod = (namespace: string, name: string) => ({ metadata: { namespace, name } });
const names = (pods: { metadata: { namespace?: string; name: string } }[]) =>
  pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

describe('podRows', () => {
  it('lists by namespace, then name, in plain string order like kubectl', () => {
    const pods = [pod('web', 'b-2'), pod('db', 'z'), pod('web', 'b-10'), pod('web', 'a'), pod('db', 'Z')];
    expect(names(podRows(pods, ''))).toEqual(['db/Z', 'db/z', 'web/a', 'web/b-10', 'web/b-2']);
  });

  it('filters by part of the name or the namespace, in any case, and leaves the input alone', () => {
    const pods = [pod('web', 'frontend-1'), pod('db', 'postgres-0'), pod('web', 'backend-1')];
    expect(names(podRows(pods, ' END-1 '))).toEqual(['web/backend-1', 'web/frontend-1']);
    expect(names(podRows(pods, 'db'))).toEqual(['db/postgres-0']);
    expect(names(pods)).toEqual(['web/frontend-1', 'db/postgres-0', 'web/backend-1']);
  });

  it('sorts 5,000 pods that arrive mostly in order, with new ones at the end', () => {
    const pods = Array.from({ length: 5000 }, (_, i) =>
      pod('default', `bench-${String(i).padStart(5, '0')}`),
    );
    pods.push(pod('default', 'bench-02500a'));
    const rows = podRows(pods, '');
    expect(rows).toHaveLength(5001);
    expect(rows[2501]!.metadata.name).toBe('bench-02500a');
    expect(podRows(pods, 'bench-0250')).toHaveLength(11);
  });
});
