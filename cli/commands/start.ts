// `flotilla start` (what `npm start` runs): the desktop app. Until the Electron app exists, and
// wherever no Electron binary or display is available, it says so and runs `flotilla serve`
// with the UI in the browser.
import type { Command } from 'commander';
import { runServe, withServeOptions, type ServeFlags } from './serve.ts';

export function register(program: Command): void {
  withServeOptions(
    program
      .command('start')
      .description('start the desktop app (falls back to `serve` where Electron is not available)'),
  ).action((flags: ServeFlags) => {
    process.stderr.write(
      'flotilla start: the desktop app (Electron) is not available here; running `flotilla serve` instead, with the UI in your browser.\n',
    );
    return runServe(flags);
  });
}
