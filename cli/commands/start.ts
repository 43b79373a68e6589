// `flotilla start` (what `npm start` runs): the desktop app. It launches Electron when its
// binary and a display are there; otherwise it says which is missing and runs `flotilla serve`
// with the UI in the browser (building the renderer first when it is not built yet).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runServe, withServeOptions, type ServeFlags } from './serve.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Why Electron cannot run here, or undefined when it can. */
export function electronUnavailable(
  env: NodeJS.ProcessEnv = process.env,
): { reason: string } | { binary: string } {
  const pathFile = join(repoRoot, 'node_modules', 'electron', 'path.txt');
  const binary = existsSync(pathFile)
    ? join(repoRoot, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim())
    : '';
  if (!binary || !existsSync(binary))
    return { reason: 'the Electron binary is not installed (run `node node_modules/electron/install.js`)' };
  if (process.platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY'])
    return { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  return { binary };
}

function build(script: string, output: string): void {
  if (existsSync(join(repoRoot, output))) return;
  process.stderr.write(`flotilla start: building ${output} (npm run ${script})\n`);
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run ${script} failed`);
}

export function register(program: Command): void {
  withServeOptions(
    program
      .command('start')
      .description(
        'start the desktop app (falls back to `serve` with the UI in the browser where Electron cannot run)',
      ),
  ).action((flags: ServeFlags) => {
    const electron = electronUnavailable();
    if ('binary' in electron) {
      build('build:electron', 'out/main/index.js');
      const child = spawn(electron.binary, [join(repoRoot, 'out', 'main', 'index.js')], { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
      return;
    }
    process.stderr.write(
      `flotilla start: the desktop app cannot run here: ${electron.reason}.\n` +
        'Running `flotilla serve` instead; open the UI link below in your browser.\n',
    );
    build('build:renderer', 'dist/renderer/index.html');
    return runServe(flags);
  });
}
