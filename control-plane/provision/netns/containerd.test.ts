import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containerdConfig, containerdPaths, CNI_BIN_DIR } from './containerd.ts';

const hasContainerd = (() => {
  try {
    execFileSync('containerd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('per-node containerd config', () => {
  const nodeDir = mkdtempSync(join(tmpdir(), 'flotilla-containerd-config-'));
  afterAll(() => rmSync(nodeDir, { recursive: true, force: true }));
  const paths = containerdPaths(nodeDir);
  const config = containerdConfig({
    paths,
    snapshotter: 'overlayfs',
    sandboxImage: 'flotilla.local/pause:3.10',
    restrictOomScoreAdj: true,
  });

  it('puts every path containerd writes under the node directory', () => {
    const absolutePaths = [...config.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]!);
    // /run/containerd/runc is inside the per-node /run/containerd bind mount.
    const shared = absolutePaths.filter(
      (p) => !p.startsWith(nodeDir) && p !== CNI_BIN_DIR && p !== '/run/containerd/runc',
    );
    expect(shared).toEqual([]);
    expect(absolutePaths).toEqual(expect.arrayContaining([paths.root, paths.state, paths.socket]));
  });

  it.skipIf(!hasContainerd)('is accepted by containerd, with our values in force', () => {
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.config, config);
    const dump = execFileSync('containerd', ['--config', paths.config, 'config', 'dump'], {
      encoding: 'utf8',
    });
    expect(dump).toContain(`root = "${paths.root}"`);
    expect(dump).toContain(`address = "${paths.socket}"`);
    expect(dump).toContain('sandbox_image = "flotilla.local/pause:3.10"');
    expect(dump).toContain('netns_mounts_under_state_dir = true');
    expect(dump).toContain('SystemdCgroup = false');
    expect(dump).toContain(`conf_dir = "${paths.cniConfDir}"`);
    expect(dump).toContain('snapshotter = "overlayfs"');
  });
});
