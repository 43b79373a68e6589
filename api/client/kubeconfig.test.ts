import { describe, expect, it } from 'vitest';
import { parseKubeconfig, resolveKubeconfig } from './kubeconfig.ts';

const text = `
apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: flotilla
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: ${btoa('CA PEM')}
- name: other
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: /etc/other/ca.crt
    insecure-skip-tls-verify: true
    tls-server-name: api.other
users:
- name: admin
  user:
    client-certificate-data: ${btoa('CERT PEM')}
    client-key-data: ${btoa('KEY PEM')}
- name: robot
  user:
    tokenFile: /var/run/token
contexts:
- name: admin
  context: { cluster: flotilla, user: admin, namespace: team-a }
- name: robot
  context: { cluster: other, user: robot }
`;

describe('kubeconfig', () => {
  it('resolves the current context to server, CA and client certificate', () => {
    expect(resolveKubeconfig(parseKubeconfig(text))).toEqual({
      server: 'https://127.0.0.1:6443',
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
      namespace: 'team-a',
    });
  });

  it('resolves another context, reading the files it names through the given reader', () => {
    const files: Record<string, string> = { '/etc/other/ca.crt': 'OTHER CA', '/var/run/token': 'tok123\n' };
    expect(
      resolveKubeconfig(parseKubeconfig(text), { context: 'robot', readFile: (p) => files[p]! }),
    ).toEqual({
      server: 'https://10.0.0.1:6443',
      ca: 'OTHER CA',
      token: 'tok123',
      insecureSkipTLSVerify: true,
      tlsServerName: 'api.other',
    });
  });

  it('says clearly what is missing', () => {
    const kc = parseKubeconfig(text);
    expect(() => resolveKubeconfig(kc, { context: 'nope' })).toThrow('kubeconfig: context "nope" not found');
    expect(() => resolveKubeconfig(kc, { context: 'robot' })).toThrow(/refers to file \/etc\/other\/ca.crt/);
    expect(() => resolveKubeconfig({ ...kc, 'current-context': undefined })).toThrow(/no current-context/);
    expect(() => parseKubeconfig('')).toThrow(/not a YAML mapping/);
  });
});
