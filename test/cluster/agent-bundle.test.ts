// The agent bundle that the installer copies to nodes: one file that runs on a bare Node.js
// with nothing else of ours around it (copied to an empty directory here), answers --help,
// and names the problem when its config is bad.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgentBundle } from '../../control-plane/provision/install/agent-bundle.ts';

function runBundle(
  bundle: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bundle, ...args],
      { cwd: tmpdir(), timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the agent bundle', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-bundle-'));
    bundle = join(dir, 'agent.mjs');
    copyFileSync(await ensureAgentBundle(), bundle);
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on its own and lists the agent command', async () => {
    const res = await runBundle(bundle, ['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('agent [options]');
  });

  it('names the missing setting in a bad config file and exits 2', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'nodeName: n1\ntoken: t\napiServer: https://10.0.0.1:6443\n');
    const res = await runBundle(bundle, ['agent', '--config', config]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${config}: nodeIP must be a non-empty string`);
  });

  it('says which config file it cannot read', async () => {
    const res = await runBundle(bundle, ['agent', '--config', join(dir, 'missing.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/missing\.yaml/);
  });
});
