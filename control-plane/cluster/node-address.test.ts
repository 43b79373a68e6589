import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writeNodeKubeconfig } from '../../agent/bootstrap/node-credentials.ts';
import { rewriteServerCommand } from './node-address.ts';

describe("a moved node's own kubeconfig", () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('points at the new API server address and keeps its certificate and CA', () => {
    dir = mkdtempSync(join(tmpdir(), 'flt-move-'));
    const file = join(dir, 'kubeconfig.yaml');
    const files = { certFile: join(dir, 'kubelet-client.crt'), keyFile: join(dir, 'kubelet-client.key') };
    writeNodeKubeconfig(
      file,
      { server: 'https://192.168.56.1:6443', ca: '-----BEGIN CERTIFICATE-----\nx\n' },
      'node-1',
      files,
    );
    const before = parse(readFileSync(file, 'utf8'));
    execFileSync('sh', ['-c', rewriteServerCommand(file, 'https://192.168.57.1:6443')]);
    const after = parse(readFileSync(file, 'utf8'));
    expect(after.clusters[0].cluster.server).toBe('https://192.168.57.1:6443');
    expect({ ...after, clusters: [] }).toEqual({ ...before, clusters: [] });
    expect(after.clusters[0].cluster['certificate-authority-data']).toBe(
      before.clusters[0].cluster['certificate-authority-data'],
    );
  });

  it('is left alone when the agent has not written one yet (token credentials)', () => {
    dir = mkdtempSync(join(tmpdir(), 'flt-move-'));
    const file = join(dir, "it's missing.yaml");
    execFileSync('sh', ['-c', rewriteServerCommand(file, 'https://10.0.0.1:6443')]);
    expect(existsSync(file)).toBe(false);
  });
});
