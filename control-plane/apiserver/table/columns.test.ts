import { describe, expect, it } from 'vitest';
import { toTable } from './convert.ts';

const now = Date.parse('2024-01-01T01:00:00Z');
const table = (group: string, kind: string, obj: any): any =>
  toTable(obj, { group, kind, version: 'v1', includeObject: 'None' }, now);
const header = (t: any) => t.columnDefinitions.map((c: any) => (c.priority ? `${c.name}*` : c.name));
const meta = { name: 'x', creationTimestamp: '2024-01-01T00:00:00Z' };

describe('printers without a running server', () => {
  it('types without an upstream printer get the default NAME and CREATED AT', () => {
    const t = table('', 'LimitRange', { metadata: meta });
    expect(header(t)).toEqual(['Name', 'Created At']);
    expect(t.columnDefinitions[1].type).toBe('date');
    expect(t.rows[0].cells).toEqual(['x', '2024-01-01T00:00:00Z']);
  });

  it('priority classes print VALUE, GLOBAL-DEFAULT and the preemption policy after AGE', () => {
    const t = table('scheduling.k8s.io', 'PriorityClass', {
      metadata: meta,
      value: 1000,
      globalDefault: true,
      preemptionPolicy: 'Never',
    });
    expect(header(t)).toEqual(['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
    expect(t.rows[0].cells).toEqual(['x', 1000, true, '60m', 'Never']);
  });

  it('wide columns have priority 1', () => {
    expect(header(table('apps', 'Deployment', { metadata: meta }))).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    expect(header(table('', 'Event', { metadata: meta }))).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject*',
      'Source*',
      'Message',
      'First Seen*',
      'Count*',
      'Name*',
    ]);
  });

  it('a deployment without a selector prints an empty one, other workloads <none>', () => {
    expect(table('apps', 'Deployment', { metadata: meta, spec: { selector: {} } }).rows[0].cells[7]).toBe('');
    expect(table('batch', 'CronJob', { metadata: meta, spec: {} }).rows[0].cells[9]).toBe('<none>');
  });

  it('event series and singletons: last seen from the series, count 1 without one', () => {
    const series = table('events.k8s.io', 'Event', {
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'e' },
      regarding: { kind: 'Node', name: 'n1' },
      eventTime: '2024-01-01T00:30:00.000000Z',
      series: { count: 7, lastObservedTime: '2024-01-01T00:55:00.000000Z' },
      reportingController: 'kubelet',
    });
    expect(series.rows[0].cells).toEqual(['5m', '', '', 'node/n1', '', 'kubelet', '', '30m', 7, 'e']);
    const single = table('', 'Event', { metadata: { name: 's' }, involvedObject: { kind: 'Pod' } });
    expect(single.rows[0].cells.slice(0, 4)).toEqual(['<unknown>', '', '', 'pod']);
    expect(single.rows[0].cells[8]).toBe(1);
  });
});
