import { describe, expect, it } from 'vitest';
import { boolParam, deleteOptions, dryRunParam, listOptions, splitUrl, watchOptions } from './query.ts';
import { StatusError } from './status.ts';

const q = (s: string) => splitUrl(`/x?${s}`).query;

function statusCode(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StatusError ? err.code : -1;
  }
  return undefined;
}

describe('query parameters', () => {
  it('splits paths from queries', () => {
    expect(splitUrl('/api/v1/pods').path).toBe('/api/v1/pods');
    const { path, query } = splitUrl('/api/v1/pods?limit=5&labelSelector=a%3Db');
    expect(path).toBe('/api/v1/pods');
    expect(query.get('labelSelector')).toBe('a=b');
  });

  it('reads list and watch options', () => {
    expect(
      listOptions(
        q(
          'labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx&limit=10&continue=abc&resourceVersion=5&resourceVersionMatch=NotOlderThan',
        ),
      ),
    ).toEqual({
      labelSelector: 'app=web',
      fieldSelector: 'metadata.name=x',
      limit: 10,
      continue: 'abc',
      resourceVersion: '5',
      resourceVersionMatch: 'NotOlderThan',
    });
    expect(
      watchOptions(q('watch=1&allowWatchBookmarks=true&sendInitialEvents=false&timeoutSeconds=30')),
    ).toEqual({
      allowWatchBookmarks: true,
      sendInitialEvents: false,
      timeoutSeconds: 30,
    });
  });

  it('answers 400 for values that do not parse', () => {
    expect(statusCode(() => listOptions(q('limit=abc')))).toBe(400);
    expect(statusCode(() => listOptions(q('limit=-1')))).toBe(400);
    expect(statusCode(() => listOptions(q('resourceVersionMatch=Sometimes')))).toBe(400);
    expect(statusCode(() => watchOptions(q('timeoutSeconds=1.5')))).toBe(400);
    expect(statusCode(() => boolParam(q('watch=maybe'), 'watch'))).toBe(400);
    expect(statusCode(() => dryRunParam(q('dryRun=Some')))).toBe(400);
  });

  it('accepts dryRun=All only', () => {
    expect(dryRunParam(q(''))).toBe(false);
    expect(dryRunParam(q('dryRun=All'))).toBe(true);
  });

  it('merges DeleteOptions from the query and the body, the body winning', () => {
    expect(deleteOptions(q('gracePeriodSeconds=5&propagationPolicy=Orphan'))).toEqual({
      gracePeriodSeconds: 5,
      propagationPolicy: 'Orphan',
    });
    expect(
      deleteOptions(q('gracePeriodSeconds=5'), {
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        propagationPolicy: 'Foreground',
        preconditions: { uid: 'u1' },
      }),
    ).toEqual({ gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } });
    expect(deleteOptions(q('orphanDependents=true'))).toEqual({ propagationPolicy: 'Orphan' });
    expect(deleteOptions(q(''), { orphanDependents: false })).toEqual({ propagationPolicy: 'Background' });
    expect(statusCode(() => deleteOptions(q(''), { propagationPolicy: 'Sideways' }))).toBe(400);
  });
});
