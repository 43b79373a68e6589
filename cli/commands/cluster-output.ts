// How cluster commands report progress: one line per finished step on a terminal (step, node,
// elapsed), or every event as a JSON line with --output json; errors name the failed step.
import type { ProgressEvent } from '../../control-plane/cluster/index.ts';

export type OutputFormat = 'text' | 'json';

export function progressPrinter(format: OutputFormat): (event: ProgressEvent) => void {
  if (format === 'json') return (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const started = Date.now();
  return (event) => {
    if (event.status === 'started' || event.step === 'cluster') return;
    const total = `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
    const where = (event.node ?? 'cluster').padEnd(10);
    const step = event.step.padEnd(14);
    if (event.status === 'progress') {
      if (event.message) process.stdout.write(`[${total}] ${where} ${step} ${event.message}\n`);
    } else if (event.status === 'done') {
      process.stdout.write(
        `[${total}] ${where} ${step} done in ${(event.elapsedMs / 1000).toFixed(1)}s${event.message ? ` (${event.message})` : ''}\n`,
      );
    } else {
      process.stdout.write(
        `[${total}] ${where} ${step} FAILED after ${(event.elapsedMs / 1000).toFixed(1)}s: ${event.message ?? ''}\n`,
      );
    }
  };
}

/** Prints the error (naming its step) and exits 1. */
export function fail(command: string, format: OutputFormat, error: unknown): never {
  const err = error as Error & { step?: string; hint?: string };
  const message = err.step ? `${err.step}: ${err.message}` : err.message;
  if (format === 'json')
    process.stdout.write(`${JSON.stringify({ error: err.message, step: err.step, hint: err.hint })}\n`);
  process.stderr.write(`flotilla ${command}: ${message}\n${err.hint ? `  hint: ${err.hint}\n` : ''}`);
  process.exit(1);
}

/** Aborts on Ctrl-C (and SIGTERM); a second one exits at once. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${signal}: cancelling, removing what was made (again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
