import { describe, expect, it } from 'vitest';
import { containerConfig, linuxResources } from './container-config.ts';
import { pullPolicy } from './images.ts';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL, RESTART_COUNT_ANNOTATION } from './labels.ts';

describe('container config', () => {
  it('turns requests and limits into cgroup settings', () => {
    expect(
      linuxResources({
        name: 'c',
        resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '64Mi' } },
      }),
    ).toEqual({
      cpuShares: 256,
      cpuPeriod: 100_000,
      cpuQuota: 50_000,
      memoryLimitInBytes: 64 * 1024 * 1024,
      memorySwapLimitInBytes: 64 * 1024 * 1024,
    });
    expect(linuxResources({ name: 'c' })).toEqual({ cpuShares: 2 });
  });

  it('labels the container with its pod and name, and expands $(VAR) in command and args', () => {
    const config = containerConfig({
      pod: { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [] } },
      container: { name: 'main', image: 'busybox:1', command: ['echo', '$(WHO)'], args: ['$(WHO)!'] },
      kind: 'regular',
      attempt: 2,
      env: [{ key: 'WHO', value: 'world' }],
      mounts: [],
      image: 'sha256:abc',
    });
    expect(config.command).toEqual(['echo', 'world']);
    expect(config.args).toEqual(['world!']);
    expect(config.labels).toMatchObject({ [POD_UID_LABEL]: 'u', [CONTAINER_NAME_LABEL]: 'main' });
    expect(config.annotations?.[RESTART_COUNT_ANNOTATION]).toBe('2');
    expect(config.logPath).toBe('main/2.log');
  });

  it('defaults imagePullPolicy like the API server: Always for latest or no tag', () => {
    expect(pullPolicy({ name: 'c', image: 'busybox' })).toBe('Always');
    expect(pullPolicy({ name: 'c', image: 'busybox:latest' })).toBe('Always');
    expect(pullPolicy({ name: 'c', image: 'localhost:5000/busybox' })).toBe('Always');
    expect(pullPolicy({ name: 'c', image: 'localhost:5000/busybox:1' })).toBe('IfNotPresent');
    expect(pullPolicy({ name: 'c', image: 'busybox:1', imagePullPolicy: 'Never' })).toBe('Never');
  });
});
