import { describe, expect, it } from 'vitest';
import { resolveContainer } from './kubelet-location.ts';

const pod = (containers: string[], initContainers: string[] = []) => ({
  metadata: { name: 'web' },
  spec: {
    containers: containers.map((name) => ({ name })),
    initContainers: initContainers.map((name) => ({ name })),
  },
});

describe('choosing the container a stream is for', () => {
  it('takes the named one, or the only one', () => {
    expect(resolveContainer(pod(['a', 'b']), 'b')).toBe('b');
    expect(resolveContainer(pod(['a'], ['init']), 'init')).toBe('init');
    expect(resolveContainer(pod(['only']), null)).toBe('only');
  });

  it("says which to choose from, in upstream's words", () => {
    expect(() => resolveContainer(pod(['a', 'b'], ['setup']), null)).toThrow(
      'a container name must be specified for pod web, choose one of: [a b] or one of the init containers: [setup]',
    );
    expect(() => resolveContainer(pod(['a']), 'nope')).toThrow('container nope is not valid for pod web');
  });
});
