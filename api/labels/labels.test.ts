import { describe, expect, it } from 'vitest';
import { LabelSelectorError, labelSelectorAsMatcher, parseLabelSelector } from './index.ts';

const web = { app: 'web', tier: 'frontend', env: 'prod' };

describe('label selector strings', () => {
  // Selector -> (canonical string, matches `web`?)
  it.each([
    ['', '', true],
    ['app=web', 'app=web', true],
    ['app==web', 'app==web', true],
    ['app!=web', 'app!=web', false],
    ['app!=db', 'app!=db', true],
    ['tier in (frontend,backend)', 'tier in (backend,frontend)', true],
    ['tier notin (frontend)', 'tier notin (frontend)', false],
    ['missing notin (x)', 'missing notin (x)', true],
    ['env', 'env', true],
    ['!env', '!env', false],
    ['!missing', '!missing', true],
    ['app=web,env=prod', 'app=web,env=prod', true],
    [' app = web , env in ( prod ) ', 'app=web,env in (prod)', true],
    ['x in ()', 'x in ()', false],
    ['example.com/app=web', 'example.com/app=web', false],
    ['app=', 'app=', false],
  ])('%j -> %j', (selector, canonical, matches) => {
    const m = parseLabelSelector(selector);
    expect(m.toString()).toBe(canonical);
    expect(m.matches(web)).toBe(matches);
  });

  it('sorts requirements by key and pins exact matches', () => {
    const m = parseLabelSelector('tier=frontend,app in (web)');
    expect(m.toString()).toBe('app in (web),tier=frontend');
    expect(m.requiresExactMatch('app')).toBe('web');
    expect(m.requiresExactMatch('env')).toBeUndefined();
  });

  it('compares numbers with gt and lt', () => {
    expect(parseLabelSelector('replicas>2').matches({ replicas: '3' })).toBe(true);
    expect(parseLabelSelector('replicas<2').matches({ replicas: '3' })).toBe(false);
    expect(parseLabelSelector('replicas>2').matches({ replicas: 'many' })).toBe(false);
  });

  // Upstream's exact wording: the API server returns these as 400 messages.
  it.each([
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a notin', "unable to parse requirement: found '' expected: '('"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a!', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    [
      'a@b=c',
      "unable to parse requirement: <nil>: Invalid value: \"a@b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
    [
      'a=b@c',
      "unable to parse requirement: values[0][a]: Invalid value: \"b@c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
    [
      'a>x',
      "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
  ])('refuses %j: %s', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(new LabelSelectorError(message));
  });
});

describe('LabelSelector objects', () => {
  it('match like upstream: nil selects nothing, empty selects everything', () => {
    expect(labelSelectorAsMatcher(undefined).matches(web)).toBe(false);
    expect(labelSelectorAsMatcher({}).matches(web)).toBe(true);
    expect(labelSelectorAsMatcher({ matchLabels: { app: 'web' } }).matches(web)).toBe(true);
    const m = labelSelectorAsMatcher({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['frontend', 'cache'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(m.toString()).toBe('app=web,!canary,tier in (cache,frontend)');
    expect(m.matches(web)).toBe(true);
    expect(m.matches({ ...web, canary: 'true' })).toBe(false);
  });

  it('refuses unknown operators and empty value sets', () => {
    expect(() =>
      labelSelectorAsMatcher({ matchExpressions: [{ key: 'a', operator: 'Foo' as any }] }),
    ).toThrow('"Foo" is not a valid label selector operator');
    expect(() =>
      labelSelectorAsMatcher({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    ).toThrow("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
  });
});
