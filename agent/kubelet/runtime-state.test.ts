import { describe, expect, it } from 'vitest';
import { podFingerprint } from './runtime-state.ts';

describe("a pod's runtime fingerprint", () => {
  const sandbox = { id: 's1', state: 'SANDBOX_READY' };
  const main = { id: 'c1', state: 'CONTAINER_RUNNING' };
  const sidecar = { id: 'c2', state: 'CONTAINER_RUNNING' };

  it('is the same however the runtime orders its lists', () => {
    expect(podFingerprint({ sandboxes: [sandbox], containers: [main, sidecar] })).toBe(
      podFingerprint({ sandboxes: [sandbox], containers: [sidecar, main] }),
    );
  });

  it('changes when a container exits, starts anew or the sandbox goes', () => {
    const running = podFingerprint({ sandboxes: [sandbox], containers: [main] });
    expect(
      podFingerprint({ sandboxes: [sandbox], containers: [{ ...main, state: 'CONTAINER_EXITED' }] }),
    ).not.toBe(running);
    expect(podFingerprint({ sandboxes: [sandbox], containers: [main, sidecar] })).not.toBe(running);
    expect(
      podFingerprint({ sandboxes: [{ ...sandbox, state: 'SANDBOX_NOTREADY' }], containers: [main] }),
    ).not.toBe(running);
  });
});
