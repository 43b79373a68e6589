// The control plane's restart policy, with a fake child and fake timers (the real utilityProcess
// needs the Electron binary; the real child process is run under Node in electron/build.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ControlPlaneSupervisor,
  describeControlPlaneState,
  restartDelay,
  type ControlPlaneState,
  type ReadyMessage,
} from './control-plane-supervisor.ts';
import { FakeControlPlaneChild } from './fake-control-plane-child.ts';

function setup(policy = {}) {
  const children: FakeControlPlaneChild[] = [];
  const states: ControlPlaneState[] = [];
  const ready: ReadyMessage[] = [];
  const supervisor = new ControlPlaneSupervisor({
    spawn: () => {
      const child = new FakeControlPlaneChild();
      children.push(child);
      return child;
    },
    onState: (s) => states.push(s),
    onReady: (r) => ready.push(r),
    policy,
  });
  const latest = () => children.at(-1)!;
  return { supervisor, children, states, ready, latest };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('control plane supervisor', () => {
  it('reports starting, then running when the child is ready', () => {
    const { supervisor, states, ready, latest } = setup();
    supervisor.start();
    expect(supervisor.state).toEqual({ phase: 'starting', attempt: 1 });
    latest().ready();
    expect(supervisor.state).toEqual({ phase: 'running' });
    expect(ready).toHaveLength(1);
    expect(states.map((s) => s.phase)).toEqual(['starting', 'running']);
  });

  it('restarts a child that exits with 1 s, 2 s, 4 s ... between attempts, capped at 30 s', async () => {
    const { supervisor, children, latest } = setup({ maxAttempts: 100 });
    supervisor.start();
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      latest().exit(1);
      const state = supervisor.state;
      expect(state.phase).toBe('restarting');
      if (state.phase !== 'restarting') return;
      expect(state.attempt).toBe(i + 2);
      waits.push(state.delayMs);
      // Not a moment earlier.
      await vi.advanceTimersByTimeAsync(state.delayMs - 1);
      expect(children).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(children).toHaveLength(i + 2);
      expect(supervisor.state).toEqual({ phase: 'starting', attempt: i + 2 });
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('shows the error the child reported before exiting', () => {
    const { supervisor, latest } = setup();
    supervisor.start();
    latest().send({ type: 'failed', error: 'the store is locked' });
    latest().exit(1);
    expect(supervisor.state).toMatchObject({
      phase: 'restarting',
      attempt: 2,
      lastError: 'the store is locked',
    });
    expect(describeControlPlaneState(supervisor.state)).toBe(
      'restarting (attempt 2) in 1 s: the store is locked',
    );
  });

  it('starts the back-off over once the control plane stayed up a minute', async () => {
    const { supervisor, latest } = setup();
    supervisor.start();
    for (let i = 0; i < 3; i++) {
      latest().exit(1);
      await vi.advanceTimersByTimeAsync(30_000);
    }
    latest().ready();
    // Up for less than a minute: the next failure keeps counting.
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(5_000);
      latest().send({ type: 'heartbeat' });
    }
    latest().exit(1);
    expect(supervisor.state).toMatchObject({ phase: 'restarting', delayMs: 8_000 });
    await vi.advanceTimersByTimeAsync(8_000);
    latest().ready();
    for (let i = 0; i < 13; i++) {
      await vi.advanceTimersByTimeAsync(5_000);
      latest().send({ type: 'heartbeat' });
    }
    latest().exit(1);
    expect(supervisor.state).toMatchObject({ phase: 'restarting', attempt: 2, delayMs: 1_000 });
  });

  it('kills and restarts a control plane whose heartbeat stopped', async () => {
    const { supervisor, children, latest } = setup();
    supervisor.start();
    latest().ready();
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(5_000);
      latest().send({ type: 'heartbeat' });
    }
    expect(children[0]!.signals).toEqual([]);
    // Silence: after 20 s it counts as hung; SIGTERM would not reach a blocked event loop.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(children[0]!.signals).toEqual(['SIGKILL']);
    expect(supervisor.state).toMatchObject({
      phase: 'restarting',
      lastError: 'the control plane stopped answering (no heartbeat for 20 s)',
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(children).toHaveLength(2);
  });

  it('gives a start that never becomes ready a deadline', async () => {
    const { supervisor, children } = setup({ startupTimeoutMs: 60_000 });
    supervisor.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children[0]!.signals).toEqual(['SIGKILL']);
    expect(supervisor.state).toMatchObject({
      phase: 'restarting',
      lastError: 'the control plane did not become ready within 60 s',
    });
  });

  it('fails with the last error after too many failed starts in a row, and retry starts again', async () => {
    const { supervisor, children, latest } = setup({ maxAttempts: 3 });
    supervisor.start();
    latest().exit(1);
    await vi.advanceTimersByTimeAsync(1_000);
    latest().exit(1);
    await vi.advanceTimersByTimeAsync(2_000);
    latest().send({ type: 'failed', error: 'listen EADDRINUSE' });
    latest().exit(1);
    expect(supervisor.state).toEqual({ phase: 'failed', error: 'listen EADDRINUSE' });
    expect(describeControlPlaneState(supervisor.state)).toBe('failed: listen EADDRINUSE');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(children).toHaveLength(3);
    supervisor.retry();
    expect(children).toHaveLength(4);
    expect(supervisor.state).toEqual({ phase: 'starting', attempt: 1 });
  });

  it('does not restart while quitting: SIGTERM, then SIGKILL when the child does not exit', async () => {
    const { supervisor, children, latest } = setup();
    supervisor.start();
    latest().ready();
    latest().ignoreSigterm = true;
    const stopped = supervisor.stop();
    expect(children[0]!.signals).toEqual(['SIGTERM']);
    await vi.advanceTimersByTimeAsync(10_000);
    await stopped;
    expect(children[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(children).toHaveLength(1);
    expect(supervisor.state).toEqual({ phase: 'stopped' });
  });

  it('cancels a pending restart when quitting', async () => {
    const { supervisor, children, latest } = setup();
    supervisor.start();
    latest().exit(1);
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children).toHaveLength(1);
    expect(supervisor.state).toEqual({ phase: 'stopped' });
  });

  it('restarts a running control plane that main cannot use, saying why', () => {
    const { supervisor, children, latest } = setup();
    supervisor.start();
    latest().ready();
    supervisor.restart('cannot log in to the control plane: HTTP 401');
    expect(children[0]!.signals).toEqual(['SIGKILL']);
    expect(supervisor.state).toMatchObject({
      phase: 'restarting',
      attempt: 2,
      lastError: 'cannot log in to the control plane: HTTP 401',
    });
  });

  it('computes the back-off', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => restartDelay(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
