#!/usr/bin/env node
// `npm test`: the whole suite, installing on a fresh machine what it needs first.
// 1. npm dependencies (when node_modules is missing or older than the lockfile),
// 2. Debian packages the integration tests use (when running as root with apt-get),
// 3. typecheck, lint, then every test with vitest.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { systemPackages } from './system-packages.mjs';

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const has = (probe) => {
  if (probe.startsWith('/')) return existsSync(probe);
  try {
    execFileSync('sh', ['-c', `command -v ${probe}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs) {
  console.log('npm test: installing npm dependencies');
  run('npm', ['install', '--no-audit', '--no-fund']);
}

const missing = systemPackages.filter((p) => !has(p.probe)).map((p) => p.pkg);
if (missing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`npm test: installing Debian packages: ${missing.join(' ')}`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.warn(`npm test: missing system packages (${missing.join(' ')}); tests that need them will fail`);
  }
}

run('npx', ['tsc', '--noEmit', '-p', '.']);
// The renderer (Vue templates too) and the Electron shell have their own tsconfigs.
run('npm', ['run', '--silent', 'typecheck:ui']);
run('npx', ['eslint', '.']);
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
