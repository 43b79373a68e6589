import { describe, expect, it } from 'vitest';
import { streamOptions } from './remote-command.ts';
import { parseKubeletPath } from './server.ts';

describe('kubelet API paths', () => {
  it('reads the pod and container from the path, as upstream lays it out', () => {
    expect(parseKubeletPath('/containerLogs/default/web/main')).toEqual({
      kind: 'containerLogs',
      namespace: 'default',
      pod: 'web',
      container: 'main',
    });
    expect(parseKubeletPath('/exec/kube-system/dns/coredns')?.kind).toBe('exec');
    expect(parseKubeletPath('/portForward/default/web')).toMatchObject({ kind: 'portForward', pod: 'web' });
    expect(parseKubeletPath('/healthz')?.kind).toBe('healthz');
    expect(parseKubeletPath('/exec/default/web')).toBeUndefined();
    expect(parseKubeletPath('/metrics')).toBeUndefined();
  });

  it('takes true or 1 for stream flags, and no stderr beside a TTY', () => {
    expect(streamOptions(new URLSearchParams('stdin=1&stdout=true&stderr=true'))).toEqual({
      stdin: true,
      stdout: true,
      stderr: true,
      tty: false,
    });
    expect(streamOptions(new URLSearchParams('stdout=true&stderr=true&tty=true'))).toMatchObject({
      stderr: false,
      tty: true,
    });
  });
});
