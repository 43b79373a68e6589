// NodeName, NodeUnschedulable and NodePorts.
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { Fixture } from '../testing/fixture.ts';
import { NodeName, NodePorts, NodeUnschedulable } from './names.ts';

describe('NodeName', () => {
  it('fits only the node the pod names', () => {
    const f = new Fixture({
      nodes: [makeNode().name('a').obj(), makeNode().name('b').obj()],
      plugins: [NodeName],
    });
    const pod = makePod().obj();
    pod.spec!.nodeName = 'b';
    expect(f.filter(pod)).toEqual({ a: "node(s) didn't match the requested node name", b: undefined });
  });
});

describe('NodeUnschedulable', () => {
  const f = new Fixture({
    nodes: [makeNode().name('cordoned').unschedulable().obj()],
    plugins: [NodeUnschedulable],
  });
  it('keeps pods off a cordoned node', () => {
    expect(f.filter(makePod().obj()).cordoned).toBe('node(s) were unschedulable');
  });
  it('lets pods that tolerate the unschedulable taint in (DaemonSet pods)', () => {
    const pod = makePod().toleration({
      key: 'node.kubernetes.io/unschedulable',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    expect(f.filter(pod.obj()).cordoned).toBeUndefined();
  });
});

describe('NodePorts', () => {
  const nodes = [makeNode().name('n').obj()];
  const cases = [
    { name: 'a free port', existing: [], pod: makePod().hostPort(80), want: undefined },
    {
      name: 'the same port and protocol',
      existing: [makePod().name('e').hostPort(80).node('n')],
      pod: makePod().hostPort(80),
      want: "node(s) didn't have free ports for the requested pod ports",
    },
    {
      name: 'another protocol',
      existing: [makePod().name('e').hostPort(80, 'UDP').node('n')],
      pod: makePod().hostPort(80),
      want: undefined,
    },
    {
      name: 'different specific IPs',
      existing: [makePod().name('e').hostPort(80, 'TCP', '10.0.0.1').node('n')],
      pod: makePod().hostPort(80, 'TCP', '10.0.0.2'),
      want: undefined,
    },
    {
      name: 'any IP clashes with a specific one',
      existing: [makePod().name('e').hostPort(80, 'TCP', '10.0.0.1').node('n')],
      pod: makePod().hostPort(80),
      want: "node(s) didn't have free ports for the requested pod ports",
    },
  ];
  it.each(cases)('$name', ({ existing, pod, want }) => {
    const f = new Fixture({ nodes, pods: existing.map((p) => p.obj()), plugins: [NodePorts] });
    expect(f.filter(pod.obj()).n).toBe(want);
  });
});
