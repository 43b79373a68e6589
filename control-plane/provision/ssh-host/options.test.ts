import { describe, expect, it } from 'vitest';
import { ProvisionError } from '../provider.ts';
import { nodeHostOptions, parseSshHostOptions } from './options.ts';

describe('ssh host options', () => {
  it('gives each node its own host from hosts, with the shared defaults', () => {
    const options = {
      user: 'ubuntu',
      identityFile: '~/.ssh/id_ed25519',
      hosts: ['10.0.0.5', 'admin@10.0.0.6:2222', { host: 'h3', hostKeyFingerprint: 'SHA256:x' }],
    };
    expect(nodeHostOptions(options, 1)).toEqual({
      user: 'ubuntu',
      identityFile: '~/.ssh/id_ed25519',
      host: '10.0.0.5',
    });
    expect(nodeHostOptions(options, 2)).toMatchObject({ user: 'admin', host: '10.0.0.6', port: 2222 });
    expect(nodeHostOptions(options, 3)).toMatchObject({
      host: 'h3',
      hostKeyFingerprint: 'SHA256:x',
      user: 'ubuntu',
    });
    expect(() => nodeHostOptions(options, 4)).toThrow(/no host for node 4/);
    expect(nodeHostOptions({ host: 'a' }, 7)).toEqual({ host: 'a' });
  });

  it('needs a host and a way to log in, and reads the defaults', () => {
    expect(() => parseSshHostOptions({})).toThrow(ProvisionError);
    expect(() => parseSshHostOptions({ host: 'h' })).toThrow(/no way to log in/);
    expect(parseSshHostOptions({ host: 'h', privateKey: 'KEY' })).toMatchObject({
      host: 'h',
      port: 22,
      user: 'root',
      privateKey: 'KEY',
      acceptNewHostKey: false,
    });
    expect(
      parseSshHostOptions({ host: 'h', agent: '/tmp/agent.sock', hostKeyFingerprint: 'SHA256:abc' }),
    ).toMatchObject({
      agent: '/tmp/agent.sock',
      hostKey: 'SHA256:abc',
    });
    expect(() => parseSshHostOptions({ host: 'h', privateKey: 'K', port: 70000 })).toThrow(
      /invalid SSH port/,
    );
  });
});
