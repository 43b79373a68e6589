import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/pod.ts';
import type { Logger } from '../../api/client/index.ts';
import { PodStartupTracker } from './startup-latency.ts';

const pod = (uid: string, status?: Pod['status']): Pod =>
  ({ metadata: { name: `p-${uid}`, namespace: 'default', uid }, spec: { containers: [] }, status }) as Pod;

function tracker() {
  const lines: { msg: string; fields: Record<string, unknown> }[] = [];
  const logger: Logger = {
    info: (msg, fields) => lines.push({ msg, fields: fields ?? {} }),
    warn: () => {},
    error: () => {},
  };
  let now = 1000;
  const t = new PodStartupTracker(logger, () => now);
  return { t, lines, at: (ms: number) => (now = ms) };
}

describe('PodStartupTracker', () => {
  it("logs a new pod's steps once, as ms after the kubelet first saw it", () => {
    const { t, lines, at } = tracker();
    t.seen(pod('a'));
    at(1010);
    t.mark('a', 'syncStarted');
    at(1500);
    t.mark('a', 'sandboxReady');
    at(1600);
    t.mark('a', 'sandboxReady'); // a second pass: the first time counts
    at(1700);
    t.statusWritten('a', 'Pending');
    expect(lines).toEqual([]);
    at(1900);
    t.statusWritten('a', 'Running');
    expect(lines).toEqual([
      {
        msg: 'observed pod startup',
        fields: { pod: 'default/p-a', seenAt: 1000, syncStarted: 10, sandboxReady: 500, statusWritten: 900 },
      },
    ]);
    t.statusWritten('a', 'Running');
    expect(lines).toHaveLength(1);
    expect(t.size).toBe(0);
  });

  it('leaves out pods that had started before it saw them (an agent restart)', () => {
    const { t, lines } = tracker();
    t.seen(pod('b', { phase: 'Running' }));
    t.seen(pod('c', { phase: 'Pending', containerStatuses: [{ name: 'x' } as any] }));
    t.statusWritten('b', 'Running');
    t.statusWritten('c', 'Running');
    expect(lines).toEqual([]);
  });

  it('drops the timeline of a pod that finished or was deleted before running', () => {
    const { t, lines } = tracker();
    t.seen(pod('d'));
    t.seen(pod('e'));
    t.statusWritten('d', 'Succeeded');
    t.forget('e');
    expect(t.size).toBe(0);
    t.statusWritten('e', 'Running');
    expect(lines).toEqual([]);
  });
});
