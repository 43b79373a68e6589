import { describe, expect, it } from 'vitest';
import { revisionData, sameData, templateOf } from './controller-history.ts';

describe('controller revisions', () => {
  it('store the template as a replacing strategic-merge patch, which kubectl rollout undo applies', () => {
    const template = {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    };
    const data = revisionData(template as never);
    expect(data).toEqual({ spec: { template: { ...template, $patch: 'replace' } } });
    const rev = { data, revision: 1 };
    expect(templateOf(rev as never)).toEqual(template);
    expect(sameData(rev as never, revisionData(structuredClone(template) as never))).toBe(true);
  });
});
