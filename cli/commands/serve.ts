// `flotilla serve`: the control plane, headless. Prints where the API, the kubeconfig and the UI
// are (or one JSON line with --output json), and shuts down cleanly on SIGTERM/SIGINT: stop
// accepting, end watches, flush and close the store, exit 0.
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDataDir } from '../../control-plane/data-dir.ts';
import type { RunningControlPlane } from '../../control-plane/serve.ts';
import { clusterOptionsFromFlags, withControllerOptions, type ControllerFlags } from '../controller-flags.ts';

export interface ServeFlags extends ControllerFlags {
  dataDir: string;
  port: number;
  address: string;
  store: string;
  output: 'text' | 'json';
  /** --no-resume-clusters: do not start again the clusters left running (default: do). */
  resumeClusters: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

/** Adds serve's flags to a command (`start` shares them). */
export function withServeOptions(cmd: Command): Command {
  return withControllerOptions(cmd)
    .option('--data-dir <dir>', 'where the store, certificates and kubeconfig live', defaultDataDir())
    .option('--port <port>', 'HTTPS port for the API (0 picks a free one)', parsePort, 6443)
    .option('--address <ip>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--store <kind>', 'storage backend').choices(['sqlite', 'etcd']).default('sqlite'))
    .option('--etcd <url>', 'etcd endpoint for --store etcd')
    .option('--no-resume-clusters', 'do not start again the clusters that were running before')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
}

function announce(cp: RunningControlPlane, output: 'text' | 'json'): void {
  if (output === 'json') {
    process.stdout.write(
      `${JSON.stringify({
        event: 'ready',
        api: cp.apiUrl,
        kubeconfig: cp.kubeconfigPath,
        ui: cp.uiUrl,
        uiLogin: cp.uiLoginUrl,
        dataDir: cp.dataDir,
        pid: process.pid,
      })}\n`,
    );
    return;
  }
  process.stdout.write(
    [
      'Flotilla control plane is running.',
      `  API:         ${cp.apiUrl}`,
      `  Kubeconfig:  ${cp.kubeconfigPath}`,
      `  UI:          ${cp.uiLoginUrl}`,
      '               (one-time login link: open it in your browser)',
      `  Data:        ${cp.dataDir}`,
      '',
      `  export KUBECONFIG=${cp.kubeconfigPath}`,
      '  kubectl get namespaces',
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

/** Runs until SIGTERM or SIGINT, then exits 0 (1 if shutting down failed). */
export async function runServe(flags: ServeFlags): Promise<void> {
  if (flags.store !== 'sqlite') {
    process.stderr.write(
      `flotilla serve: the ${flags.store} store is not available yet; use --store sqlite\n`,
    );
    process.exit(2);
  }
  // Loaded here, not at the top: other commands should not pay for loading the control plane.
  const { PortInUseError, startControlPlane } = await import('../../control-plane/serve.ts');
  let cp: RunningControlPlane;
  try {
    cp = await startControlPlane({
      dataDir: flags.dataDir,
      port: flags.port,
      address: flags.address,
      ...clusterOptionsFromFlags(flags),
    });
  } catch (err) {
    const message =
      err instanceof PortInUseError ? err.message : err instanceof Error ? err.message : String(err);
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ event: 'error', message })}\n`);
    process.stderr.write(`flotilla serve: ${message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`flotilla serve: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    if (flags.output === 'text') process.stdout.write(`\n${signal}: shutting down\n`);
    cp.close().then(
      () => {
        if (flags.output === 'json')
          process.stdout.write(`${JSON.stringify({ event: 'stopped', signal })}\n`);
        process.exit(0);
      },
      (err) => {
        process.stderr.write(
          `flotilla serve: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        process.exit(1);
      },
    );
  };
  // Listen for signals before saying we are ready: whoever waits for the ready line may
  // signal us at once.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  announce(cp, flags.output);
  if (flags.resumeClusters) void resumeInBackground();
}

/**
 * Clusters left running (before a reboot, say) start again while the UI is up; the UI lists them
 * as starting. Reported on stderr: stdout is the ready line scripts read.
 */
async function resumeInBackground(): Promise<void> {
  try {
    const { resumeClusters } = await import('../../control-plane/cluster/resume.ts');
    const resuming = await resumeClusters({
      onResult: (r) =>
        process.stderr.write(
          r.ok
            ? `flotilla serve: cluster ${r.name} is running again\n`
            : `flotilla serve: cluster ${r.name} did not start again: ${r.step ? `${r.step}: ` : ''}${r.error}\n`,
        ),
    });
    if (resuming.names.length > 0)
      process.stderr.write(
        `flotilla serve: starting again the clusters left running: ${resuming.names.join(', ')}\n`,
      );
  } catch (err) {
    process.stderr.write(
      `flotilla serve: could not resume clusters: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
}

export function register(program: Command): void {
  withServeOptions(
    program
      .command('serve')
      .description('run the control plane headless: HTTPS API on 127.0.0.1, admin kubeconfig, UI'),
  ).action((flags: ServeFlags) => runServe(flags));
}
