import { describe, expect, it } from 'vitest';
import { ProvisionError } from '../provider.ts';
import { multipassError } from './errors.ts';
import { parseInfo, parseVersion } from './output.ts';

describe('multipass output', () => {
  it('reads client and daemon versions; no daemon line means the service is down', () => {
    expect(parseVersion('multipass   1.14.0\nmultipassd  1.14.0\n')).toEqual({
      client: '1.14.0',
      daemon: '1.14.0',
    });
    expect(parseVersion('multipass   1.14.0+mac\n')).toEqual({ client: '1.14.0+mac', daemon: undefined });
  });

  it('reads state and IPv4 addresses from info --format json', () => {
    const json = JSON.stringify({
      errors: [],
      info: { vm: { state: 'Running', ipv4: ['10.1.2.3', '172.17.0.1'], release: 'Ubuntu 24.04 LTS' } },
    });
    expect(parseInfo(json, 'vm')).toEqual({
      state: 'Running',
      ipv4: ['10.1.2.3', '172.17.0.1'],
      release: 'Ubuntu 24.04 LTS',
    });
    const stopped = JSON.stringify({ errors: [], info: { vm: { state: 'Stopped', ipv4: [] } } });
    expect(parseInfo(stopped, 'vm')).toMatchObject({ state: 'Stopped', ipv4: [] });
    expect(() => parseInfo('{}', 'vm')).toThrow(/no instance vm/);
    expect(() => parseInfo('oops', 'vm')).toThrow(/not JSON/);
  });

  it('turns known failures into a ProvisionError with a hint, unknown ones keep multipass words', () => {
    const taken = multipassError('create VM', 'vm', 'launch failed: instance "vm" already exists\n');
    expect(taken).toBeInstanceOf(ProvisionError);
    expect(taken).toMatchObject({ step: 'create VM', message: expect.stringMatching(/already exists/) });
    expect(multipassError('create VM', 'vm', 'launch failed: KVM support is not enabled').hint).toMatch(
      /VT-x/,
    );
    expect(multipassError('boot', 'vm', 'start failed: vm: timed out waiting for response')).toMatchObject({
      step: 'boot',
    });
    const other = multipassError('create VM', 'vm', 'launch failed: something new');
    expect(other.message).toBe('multipass: launch failed: something new');
    expect(other.hint).toBeUndefined();
  });
});
