import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../api/types/index.ts';
import { nextTransition } from './pod-lifecycle.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');

function pod(containers: Partial<Container>[], extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: {
      nodeName: 'sim-1',
      containers: containers.map((c, i) => ({ name: `c${i}`, image: 'busybox', ...c })),
      ...extra,
    },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    },
  };
}

/** What `kubectl get pods` shows in STATUS, roughly. */
function shown(p: Pod): string {
  const s = p.status!;
  const inits = s.initContainerStatuses ?? [];
  const pendingInit = inits.findIndex((c) => !(c.state?.terminated?.exitCode === 0));
  if (s.phase === 'Pending' && inits.length > 0 && pendingInit >= 0) {
    const w = inits[pendingInit]!.state?.waiting?.reason;
    return w && w !== 'PodInitializing' ? `Init:${w}` : `Init:${pendingInit}/${inits.length}`;
  }
  for (const c of s.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated && s.phase !== 'Running') return c.state.terminated.reason ?? '';
  }
  const ready = s.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return `${s.phase}${ready ? ' ready' : ''}`;
}

/** Drive the pod like the simulator does: apply each transition, wake when asked, until `untilMs`. */
function drive(
  p: Pod,
  untilMs: number,
  creatingMs = 0,
  seen: (p: Pod, atMs: number) => void = () => {},
): Pod {
  let now = t0;
  for (let i = 0; i < 50 && now <= t0 + untilMs; i++) {
    const t = nextTransition(p, { now, hostIP: '172.18.0.2', podIP: () => '10.244.1.5', creatingMs });
    if (t.status) {
      p = { ...p, status: t.status };
      seen(p, now - t0);
      continue; // the next stage may be due at once
    }
    if (t.wakeAt === undefined) break;
    now = t.wakeAt;
  }
  return p;
}

/** The STATUS column at every change. */
function timeline(p: Pod, untilMs: number, creatingMs = 0): string[] {
  const out: string[] = [];
  drive(p, untilMs, creatingMs, (q, at) => {
    const s = `${at / 1000}s ${shown(q)}`;
    if (out[out.length - 1] !== s) out.push(s);
  });
  return out;
}

describe('simulated pod lifecycle', () => {
  it('a server: ContainerCreating, then Running and Ready with a pod IP', () => {
    const p = pod([{}]);
    expect(timeline(p, 60_000, 1000)).toEqual(['0s ContainerCreating', '1s Running ready']);
    const running = nextTransition(
      { ...p, status: nextTransition(p, { now: t0, hostIP: 'h', podIP: () => 'x', creatingMs: 0 }).status },
      {
        now: t0,
        hostIP: 'h',
        podIP: () => '10.244.1.5',
        creatingMs: 0,
      },
    ).status!;
    expect(running.podIP).toBe('10.244.1.5');
    expect(running.hostIP).toBe('h');
    expect(running.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
  });

  it('a Job pod that sleeps then succeeds', () => {
    expect(
      timeline(pod([{ command: ['sh', '-c', 'sleep 2; exit 0'] }], { restartPolicy: 'Never' }), 60_000),
    ).toEqual(['0s ContainerCreating', '0s Running ready', '2s Completed']);
  });

  it('a Job pod that fails', () => {
    const out = timeline(pod([{ command: ['false'] }], { restartPolicy: 'Never' }), 60_000);
    expect(out[out.length - 1]).toBe('0s Error');
  });

  it('restartPolicy OnFailure restarts a failing container with growing back-off', () => {
    const out = timeline(
      pod([{ command: ['sh', '-c', 'sleep 1; exit 1'] }], { restartPolicy: 'OnFailure' }),
      40_000,
    );
    expect(out).toEqual([
      '0s ContainerCreating',
      '0s Running ready',
      '1s Running ready', // restarted at once the first time
      '2s CrashLoopBackOff',
      '12s Running ready',
      '13s CrashLoopBackOff',
      '33s Running ready',
      '34s CrashLoopBackOff',
    ]);
  });

  it('init containers run first, one after the other', () => {
    const p = pod([{}], {
      initContainers: [
        { name: 'i0', image: 'busybox', command: ['sleep', '2'] },
        { name: 'i1', image: 'busybox', command: ['true'] },
      ],
    });
    expect(timeline(p, 60_000)).toEqual(['0s Init:0/2', '2s Running ready']);
  });

  it('a failing init container fails a pod that never restarts', () => {
    const p = pod([{}], {
      restartPolicy: 'Never',
      initContainers: [{ name: 'i0', image: 'busybox', command: ['sh', '-c', 'exit 2'] }],
    });
    const done = drive(p, 60_000);
    expect(done.status?.phase).toBe('Failed');
    expect(done.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 2,
      reason: 'Error',
    });
  });

  it('two containers: the pod succeeds when both are done', () => {
    const out = timeline(
      pod([{ command: ['sleep', '1'] }, { command: ['sleep', '3'] }], { restartPolicy: 'Never' }),
      60_000,
    );
    expect(out[out.length - 1]).toBe('3s Completed');
  });

  it('finished pods are left alone', () => {
    const p = pod([{}]);
    p.status = { phase: 'Succeeded' };
    expect(nextTransition(p, { now: t0, hostIP: 'h', podIP: () => 'x', creatingMs: 0 })).toEqual({});
  });
});
