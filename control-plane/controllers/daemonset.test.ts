import { describe, expect, it } from 'vitest';
import { nodeOfPod, shouldContinueRunningOn, shouldRunOn, withDaemonTolerations } from './daemonset.ts';

const node = (
  name: string,
  labels: Record<string, string> = {},
  taints: { key: string; effect: string }[] = [],
) => ({ metadata: { name, labels }, spec: { taints } }) as never;
const ds = (spec: Record<string, unknown> = {}) =>
  ({
    metadata: { name: 'd' },
    spec: { selector: {}, template: { spec: { containers: [], ...spec } } },
  }) as never;

describe('daemon placement', () => {
  it('follows nodeSelector and required node affinity', () => {
    expect(shouldRunOn(ds({ nodeSelector: { disk: 'ssd' } }), node('a', { disk: 'ssd' }))).toBe(true);
    expect(shouldRunOn(ds({ nodeSelector: { disk: 'ssd' } }), node('a'))).toBe(false);
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
    };
    expect(shouldRunOn(ds({ affinity }), node('n', { zone: 'b' }))).toBe(true);
    expect(shouldRunOn(ds({ affinity }), node('n', { zone: 'c' }))).toBe(false);
  });

  it('tolerates the node-condition taints by default, not others; NoSchedule keeps existing pods', () => {
    expect(
      shouldRunOn(ds(), node('n', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }])),
    ).toBe(true);
    expect(
      shouldRunOn(ds(), node('n', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }])),
    ).toBe(true);
    const tainted = node('n', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]);
    expect(shouldRunOn(ds(), tainted)).toBe(false);
    expect(shouldContinueRunningOn(ds(), tainted)).toBe(true);
    expect(shouldContinueRunningOn(ds(), node('n', {}, [{ key: 'dedicated', effect: 'NoExecute' }]))).toBe(
      false,
    );
    expect(shouldRunOn(ds({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }), tainted)).toBe(true);
  });

  it('adds the daemon tolerations once, plus network-unavailable for host-network pods', () => {
    const base = withDaemonTolerations({ containers: [] } as never);
    expect(base).toHaveLength(6);
    expect(withDaemonTolerations({ containers: [], hostNetwork: true } as never)).toHaveLength(7);
    expect(withDaemonTolerations({ containers: [], tolerations: base } as never)).toHaveLength(6);
  });

  it('knows the node of a pod that is not bound yet from its affinity', () => {
    const pinned = {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] },
              ],
            },
          },
        },
      },
    } as never;
    expect(nodeOfPod(pinned)).toBe('node-2');
    expect(nodeOfPod({ spec: { nodeName: 'node-1' } } as never)).toBe('node-1');
  });
});
