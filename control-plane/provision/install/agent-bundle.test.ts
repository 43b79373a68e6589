// When the installer rebuilds the agent bundle: only when what it was built from changed in
// content, not when a file was merely touched (a rebuild costs seconds on every cluster create).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentBundleStaleReason } from './agent-bundle.ts';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

describe('agent bundle freshness', () => {
  let root: string;
  const past = new Date(Date.now() - 3600_000);
  const future = new Date(Date.now() + 3600_000);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'flotilla-bundle-fresh-'));
    mkdirSync(join(root, 'dist', 'agent'), { recursive: true });
    mkdirSync(join(root, 'agent'));
    mkdirSync(join(root, 'scripts'));
    writeFileSync(join(root, 'agent', 'main.ts'), 'main v1');
    writeFileSync(join(root, 'scripts', 'build-agent.mjs'), 'build');
    writeFileSync(join(root, 'dist', 'agent', 'agent.mjs'), 'bundle');
    writeFileSync(
      join(root, 'dist', 'agent', 'meta.json'),
      JSON.stringify({
        inputs: ['agent/main.ts'],
        hashes: { 'agent/main.ts': hash('main v1'), 'scripts/build-agent.mjs': hash('build') },
      }),
    );
    for (const f of ['agent/main.ts', 'scripts/build-agent.mjs']) utimesSync(join(root, f), past, past);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is current when no input is newer than the bundle', () => {
    expect(agentBundleStaleReason(root)).toBeUndefined();
  });

  it('stays current when an input was touched but its content is the same', () => {
    utimesSync(join(root, 'agent', 'main.ts'), future, future);
    expect(agentBundleStaleReason(root)).toBeUndefined();
  });

  it('is stale when an input changed, saying which', () => {
    writeFileSync(join(root, 'agent', 'main.ts'), 'main v2');
    utimesSync(join(root, 'agent', 'main.ts'), future, future);
    expect(agentBundleStaleReason(root)).toBe('agent/main.ts changed');
  });

  it('is stale when an input is gone or the bundle is missing', () => {
    rmSync(join(root, 'agent', 'main.ts'));
    expect(agentBundleStaleReason(root)).toBe('agent/main.ts is gone');
    rmSync(join(root, 'dist', 'agent', 'agent.mjs'));
    expect(agentBundleStaleReason(root)).toBe('missing');
  });

  it('is stale when a newer input has no recorded hash (a bundle from before hashes)', () => {
    writeFileSync(join(root, 'dist', 'agent', 'meta.json'), JSON.stringify({ inputs: ['agent/main.ts'] }));
    utimesSync(join(root, 'agent', 'main.ts'), future, future);
    expect(agentBundleStaleReason(root)).toBe('agent/main.ts changed');
  });
});
