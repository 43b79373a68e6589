// The NoCloud seed read back by real tools: isoinfo (genisoimage) lists the Joliet names and
// extracts the files, blkid sees the "cidata" label cloud-init looks for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateSshKeyPair } from '../netns/keys.ts';
import { metaData, networkConfig, parseUserData, userData, NODE_PACKAGES } from './user-data.ts';
import { writeSeed } from './seed.ts';

const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const dir = mkdtempSync(join(tmpdir(), 'flt-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hostKey = generateSshKeyPair('root@node-1');
const clusterKey = generateSshKeyPair('flotilla@demo').publicKey;
const seed = {
  userData: userData({ hostname: 'node-1', hostKey, authorizedKey: clusterKey }),
  metaData: metaData('flotilla-demo-node-1', 'node-1'),
  networkConfig: networkConfig(),
};

describe('cloud-init user-data', () => {
  it('pins the host key Flotilla generated, authorizes the cluster key for root, installs the runtime', () => {
    expect(seed.userData.startsWith('#cloud-config\n')).toBe(true);
    const doc = parse(seed.userData);
    expect(doc.ssh_keys.ed25519_private).toBe(hostKey.privateKey.trimEnd() + '\n');
    expect(doc.ssh_keys.ed25519_public).toBe(hostKey.publicKey.trim());
    expect(doc.ssh_deletekeys).toBe(true);
    expect(doc.ssh_genkeytypes).toEqual([]);
    expect(doc.disable_root).toBe(false);
    expect(doc.ssh_pwauth).toBe(false);
    expect(doc.ssh_authorized_keys).toEqual([clusterKey.trim()]);
    expect(doc.hostname).toBe('node-1');
    expect(doc.packages).toEqual(['containerd', 'runc', 'containernetworking-plugins', 'iptables']);
    expect(parseUserData(seed.userData)).toMatchObject({
      hostname: 'node-1',
      hostPublicKey: hostKey.publicKey.trim(),
      authorizedKeys: [clusterKey.trim()],
      packages: NODE_PACKAGES,
    });
    expect(parse(seed.metaData)).toEqual({
      'instance-id': 'flotilla-demo-node-1',
      'local-hostname': 'node-1',
    });
  });

  it('keeps user-data private on disk (it holds the host private key)', () => {
    const written = writeSeed(join(dir, 'private'), seed);
    expect(statSync(written.userDataFile).mode & 0o777).toBe(0o600);
  });
});

describe.skipIf(!has('isoinfo') || !has('blkid'))('NoCloud seed ISO (isoinfo, blkid)', () => {
  const written = writeSeed(join(dir, 'iso'), seed, { iso: true });
  const iso = written.isoFile!;

  it('is an ISO 9660 volume labelled cidata with Joliet names', () => {
    const info = execFileSync('isoinfo', ['-d', '-i', iso], { encoding: 'utf8' });
    expect(info).toMatch(/Volume id: cidata/);
    expect(info).toMatch(/Joliet with UCS level 3 found/);
    const listing = execFileSync('isoinfo', ['-J', '-f', '-i', iso], { encoding: 'utf8' });
    expect(listing.trim().split('\n').sort()).toEqual(['/meta-data', '/network-config', '/user-data']);
    const label = execFileSync('blkid', ['-p', '-o', 'value', '-s', 'LABEL', iso], { encoding: 'utf8' });
    expect(label.trim()).toBe('cidata');
  });

  it('holds the files byte for byte', () => {
    for (const [name, content] of [
      ['user-data', seed.userData],
      ['meta-data', seed.metaData],
      ['network-config', seed.networkConfig],
    ]) {
      const extracted = execFileSync('isoinfo', ['-J', '-x', `/${name}`, '-i', iso], { encoding: 'utf8' });
      expect(extracted).toBe(content);
    }
    expect(readFileSync(written.userDataFile, 'utf8')).toBe(seed.userData);
  });

  it('spans several sectors for a large file', () => {
    const big = { ...seed, userData: `#cloud-config\n# ${'x'.repeat(10_000)}\n` };
    const file = writeSeed(join(dir, 'big'), big, { iso: true }).isoFile!;
    const extracted = execFileSync('isoinfo', ['-J', '-x', '/user-data', '-i', file], { encoding: 'utf8' });
    expect(extracted).toBe(big.userData);
  });
});
