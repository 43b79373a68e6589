import { describe, expect, it } from 'vitest';
import { registriesProblems, registryHostsFiles, withRegistryConfigPath } from './registry-config.ts';

describe('registry hosts.toml files', () => {
  it('points docker.io at its mirrors first, over plain HTTP when the mirror says http://', () => {
    const files = registryHostsFiles({
      mirrors: { 'docker.io': ['http://10.240.7.1:5000', 'https://m.example:443'] },
    });
    expect(files.get('docker.io')).toBe(
      [
        'server = "https://registry-1.docker.io"',
        '',
        '[host."http://10.240.7.1:5000"]',
        '  capabilities = ["pull", "resolve"]',
        '',
        '[host."https://m.example:443"]',
        '  capabilities = ["pull", "resolve"]',
        '',
      ].join('\n'),
    );
  });

  it('reaches an insecure registry without verifying TLS, then over HTTP', () => {
    const toml = registryHostsFiles({ insecure: ['reg.local:5000'] }).get('reg.local:5000')!;
    expect(toml).toContain('server = "https://reg.local:5000"');
    expect(toml).toContain(
      '[host."https://reg.local:5000"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n',
    );
    expect(toml).toContain('[host."http://reg.local:5000"]');
  });

  it('skips TLS verification for an https mirror that is also listed insecure', () => {
    const toml = registryHostsFiles({
      mirrors: { 'quay.io': ['https://10.0.0.5:5443'] },
      insecure: ['10.0.0.5:5443'],
    }).get('quay.io')!;
    expect(toml).toContain('server = "https://quay.io"');
    expect(toml).toContain(
      '[host."https://10.0.0.5:5443"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n',
    );
  });

  it('writes nothing without registries', () => {
    expect(registryHostsFiles(undefined).size).toBe(0);
  });

  it('tells the user what is wrong with a registries value', () => {
    expect(registriesProblems(undefined)).toEqual([]);
    expect(
      registriesProblems({ mirrors: { 'docker.io': ['http://10.0.0.1:5000'] }, insecure: ['a:1'] }),
    ).toEqual([]);
    expect(registriesProblems({ mirrors: { 'docker.io': ['ftp://x'] } })).toEqual([
      'registries.mirrors["docker.io"]: "ftp://x" is not an http:// or https:// URL',
    ]);
    expect(registriesProblems({ mirrors: { 'bad host': ['http://x'] } })[0]).toMatch(/not a registry host/);
    expect(registriesProblems({ insecure: 'a:1' })).toEqual(['registries.insecure: a list of host:port']);
    expect(registriesProblems([])).toEqual(['registries: a map with mirrors and insecure']);
  });
});

describe("the host containerd's config_path", () => {
  it('is written into a missing or empty config', () => {
    const written = withRegistryConfigPath(undefined)!;
    expect(written).toContain('version = 2');
    expect(written).toContain(
      '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"',
    );
    expect(withRegistryConfigPath('')).toBe(written);
  });

  it('is appended to a version 2 config that has no registry table', () => {
    const existing = 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "pause:3.9"\n';
    expect(withRegistryConfigPath(existing)).toMatch(
      /sandbox_image = "pause:3.9"\n\n\[plugins.*registry\]\n {2}config_path/,
    );
  });

  it("leaves alone a config that sets config_path, has the user's own registry table, or is version 1", () => {
    expect(withRegistryConfigPath('version = 2\n  config_path = "/etc/x"\n')).toBeUndefined();
    expect(
      withRegistryConfigPath('version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  mirrors = {}\n'),
    ).toBeUndefined();
    expect(withRegistryConfigPath('[plugins.cri]\n')).toBeUndefined();
  });
});
