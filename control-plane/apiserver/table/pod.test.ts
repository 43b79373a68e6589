import { describe, expect, it } from 'vitest';
import { toTable } from './convert.ts';
import { summarizePod } from './pod.ts';

const now = Date.parse('2024-01-01T01:00:00Z');
const ago = (s: number) => new Date(now - s * 1000).toISOString();

const running = (name: string, ready = true) => ({
  name,
  ready,
  restartCount: 0,
  started: true,
  state: { running: { startedAt: ago(600) } },
});
const waiting = (name: string, reason: string) => ({
  name,
  ready: false,
  restartCount: 0,
  state: { waiting: { reason } },
});
const terminated = (name: string, t: Record<string, unknown>) => ({
  name,
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode: 0, ...t } },
});

const pod = (spec: any, status: any, meta: any = {}) => ({
  metadata: { name: 'p', creationTimestamp: ago(3600), ...meta },
  spec: { containers: [{ name: 'c' }], ...spec },
  status,
});

// Expected READY and STATUS as upstream's printPod computes them.
const cases: [string, any, string, string][] = [
  ['no status yet', pod({}, {}), '0/1', ''],
  ['pending', pod({}, { phase: 'Pending' }), '0/1', 'Pending'],
  ['status.reason wins over the phase', pod({}, { phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted'],
  [
    'scheduling gates',
    pod(
      {},
      {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
      },
    ),
    '0/1',
    'SchedulingGated',
  ],
  ['running and ready', pod({}, { phase: 'Running', containerStatuses: [running('c')] }), '1/1', 'Running'],
  [
    'the first container decides (walked last to first)',
    pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      {
        phase: 'Running',
        containerStatuses: [waiting('a', 'ImagePullBackOff'), waiting('b', 'ErrImagePull')],
      },
    ),
    '0/2',
    'ImagePullBackOff',
  ],
  [
    'exit code without a reason',
    pod({}, { phase: 'Running', containerStatuses: [terminated('c', { exitCode: 3 })] }),
    '0/1',
    'ExitCode:3',
  ],
  [
    'signal without a reason',
    pod({}, { phase: 'Running', containerStatuses: [terminated('c', { exitCode: 137, signal: 9 })] }),
    '0/1',
    'Signal:9',
  ],
  [
    'Completed with another container still running and the pod ready',
    pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [terminated('a', { reason: 'Completed' }), running('b')],
      },
    ),
    '1/2',
    'Running',
  ],
  [
    'Completed with another container running but the pod not ready',
    pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      { phase: 'Running', containerStatuses: [terminated('a', { reason: 'Completed' }), running('b')] },
    ),
    '1/2',
    'NotReady',
  ],
  [
    'second of two init containers running',
    pod(
      { initContainers: [{ name: 'i1' }, { name: 'i2' }] },
      {
        phase: 'Pending',
        initContainerStatuses: [terminated('i1', { reason: 'Completed' }), running('i2', false)],
        containerStatuses: [waiting('c', 'PodInitializing')],
      },
    ),
    '0/1',
    'Init:1/2',
  ],
  [
    'init container failing',
    pod(
      { initContainers: [{ name: 'i1' }] },
      { phase: 'Pending', initContainerStatuses: [terminated('i1', { exitCode: 1, reason: 'Error' })] },
    ),
    '0/1',
    'Init:Error',
  ],
  [
    'init container in back-off',
    pod(
      { initContainers: [{ name: 'i1' }] },
      { phase: 'Pending', initContainerStatuses: [waiting('i1', 'CrashLoopBackOff')] },
    ),
    '0/1',
    'Init:CrashLoopBackOff',
  ],
  [
    'a started sidecar counts as a container and does not block',
    pod(
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [running('proxy')],
        containerStatuses: [running('c')],
      },
    ),
    '2/2',
    'Running',
  ],
  [
    'deleted while running',
    pod({}, { phase: 'Running', containerStatuses: [running('c')] }, { deletionTimestamp: ago(5) }),
    '1/1',
    'Terminating',
  ],
  [
    'deleted after it finished keeps its phase',
    pod(
      {},
      { phase: 'Succeeded', containerStatuses: [terminated('c', { reason: 'Completed' })] },
      { deletionTimestamp: ago(5) },
    ),
    '0/1',
    'Completed',
  ],
  [
    'deleted on a lost node',
    pod(
      {},
      { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('c')] },
      { deletionTimestamp: ago(5) },
    ),
    '1/1',
    'Unknown',
  ],
];

describe('pod READY and STATUS', () => {
  it.each(cases)('%s', (_name, p, ready, status) => {
    const s = summarizePod(p);
    expect([s.ready, s.status]).toEqual([ready, status]);
  });
});

describe('pod RESTARTS', () => {
  const cells = (p: any) =>
    (toTable(p, { group: '', kind: 'Pod', version: 'v1', includeObject: 'None' }, now) as any).rows[0].cells;

  it('adds when the last container restarted', () => {
    const p = pod(
      {},
      {
        phase: 'Running',
        containerStatuses: [
          {
            ...running('c'),
            restartCount: 4,
            lastState: { terminated: { exitCode: 1, finishedAt: ago(310) } },
          },
        ],
      },
    );
    expect(cells(p).slice(0, 5)).toEqual(['p', '1/1', 'Running', '4 (5m10s ago)', '60m']);
  });

  it('is a bare count without a termination time, and ignores finished init containers', () => {
    const p = pod(
      { initContainers: [{ name: 'i' }] },
      {
        phase: 'Running',
        initContainerStatuses: [{ ...terminated('i', { reason: 'Completed' }), restartCount: 2 }],
        containerStatuses: [{ ...running('c'), restartCount: 1 }],
      },
    );
    expect(cells(p)[3]).toBe('1');
  });

  it('prints <none> for unset wide cells and counts true readiness gates', () => {
    const p = pod(
      { nodeName: 'n1', readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] },
      { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }], conditions: [{ type: 'a', status: 'True' }] },
    );
    expect(cells(p).slice(5)).toEqual(['10.0.0.1', 'n1', '<none>', '1/2']);
    expect(cells(pod({}, {})).slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });
});
