import { describe, expect, it } from 'vitest';
import {
  FieldSelectorError,
  compileFieldSelector,
  matchesFieldSelector,
  parseFieldSelector,
} from './index.ts';
import { lookupKind } from '../resources.ts';

const pods = lookupKind('v1', 'Pod')!;
const events = lookupKind('v1', 'Event')!;
const nodes = lookupKind('v1', 'Node')!;

const pod = (name: string, nodeName?: string, phase = 'Running') => ({
  metadata: { name, namespace: 'default' },
  spec: { nodeName, restartPolicy: 'Always', schedulerName: 'default-scheduler', hostNetwork: false },
  status: { phase, podIP: '10.0.0.1' },
});

describe('field selectors', () => {
  it.each([
    ['metadata.name=a', ['a']],
    ['metadata.name==a', ['a']],
    ['metadata.name!=a', ['b', 'c']],
    ['spec.nodeName=n1', ['a', 'b']],
    ['spec.nodeName=', ['c']],
    ['spec.nodeName!=,status.phase=Running', ['a']],
    ['status.phase!=Running', ['b', 'c']],
    ['spec.host=n1', ['a', 'b']],
    ['metadata.namespace=default,spec.hostNetwork=false', ['a', 'b', 'c']],
    ['', ['a', 'b', 'c']],
  ])('%j selects %j', (selector, names) => {
    const objs = [pod('a', 'n1'), pod('b', 'n1', 'Pending'), pod('c', undefined, 'Pending')];
    const m = compileFieldSelector(selector, pods);
    expect(objs.filter((o) => matchesFieldSelector(m, pods, o)).map((o) => o.metadata.name)).toEqual(names);
  });

  it('matches events by their involved object, reason and source', () => {
    const ev = {
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
      reason: 'Scheduled',
      source: { component: 'default-scheduler' },
      type: 'Normal',
    };
    const m = compileFieldSelector(
      'involvedObject.kind=Pod,involvedObject.name=web,reason=Scheduled,source=default-scheduler,type=Normal',
      events,
    );
    expect(matchesFieldSelector(m, events, ev)).toBe(true);
    expect(matchesFieldSelector(compileFieldSelector('involvedObject.uid=other', events), events, ev)).toBe(
      false,
    );
  });

  it('unescapes values and keeps the escaped form in its string', () => {
    const m = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
    expect(m.terms).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
    expect(m.toString()).toBe('metadata.name=a\\,b\\=c\\\\d');
  });

  it('sorts terms and pins exact matches', () => {
    const m = parseFieldSelector('spec.nodeName=n1,metadata.name=x');
    expect(m.toString()).toBe('metadata.name=x,spec.nodeName=n1');
    expect(m.requiresExactMatch('metadata.name')).toBe('x');
  });

  it.each([
    ['foo=bar', pods, 'field label not supported: foo'],
    ['spec.unschedulable=true,spec.nodeName=x', nodes, 'field label not supported: spec.nodeName'],
    ['metadata.name', pods, "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a=b', pods, 'invalid field selector: unescaped character in value: ='],
    ['metadata.name=a\\x', pods, 'invalid field selector: invalid escape sequence: \\x'],
    ['metadata.name=a\\', pods, 'invalid field selector: invalid escape sequence: \\'],
  ])('refuses %j: %s', (selector, rt, message) => {
    expect(() => compileFieldSelector(selector, rt)).toThrow(new FieldSelectorError(message));
  });
});
