// How a cluster's detached supervisor process is started. The CLI (and tests) run it as
// `node cli/bin.mjs cluster run NAME`; the desktop app, whose packaged build has neither a
// Node nor the CLI (the runAsNode fuse is off, cli/ is not shipped), runs its own executable in
// supervisor mode (`Flotilla --flotilla-supervisor NAME`, electron/main/supervisor-mode.ts).
import { join, resolve } from 'node:path';

export type SupervisorMode = 'create' | 'start';

export interface SupervisorLauncher {
  command: string;
  args(name: string, mode: SupervisorMode): string[];
  /** The supervisor's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** The argument the desktop app's executable recognises as "be a cluster supervisor". */
export const SUPERVISOR_FLAG = '--flotilla-supervisor';

const CLI = join(resolve(import.meta.dirname, '..', '..'), 'cli', 'bin.mjs');

/** This Node running the CLI's hidden `cluster run` (tsx compiles the sources on load). */
export function cliSupervisorLauncher(cli = CLI): SupervisorLauncher {
  return {
    command: process.execPath,
    args: (name, mode) => [cli, 'cluster', 'run', name, ...(mode === 'create' ? ['--create'] : [])],
    // Under an Electron whose runAsNode fuse is on (development), execPath is Electron: this
    // makes it plain Node. A fused build ignores it, hence appSupervisorLauncher.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  };
}

/**
 * The desktop app's executable in supervisor mode. `appArgs` go first: a development run
 * (`electron out/main/index.js`) names the app's entry, a packaged app needs none.
 */
export function appSupervisorLauncher(executable: string, appArgs: string[] = []): SupervisorLauncher {
  const env = { ...process.env };
  // Would turn a development Electron into plain Node, which knows no --flotilla-supervisor.
  delete env['ELECTRON_RUN_AS_NODE'];
  return {
    command: executable,
    args: (name, mode) => [...appArgs, SUPERVISOR_FLAG, name, ...(mode === 'create' ? ['--create'] : [])],
    env,
  };
}

let launcher: SupervisorLauncher | undefined;

/** Chooses how this process starts supervisors from now on (the desktop app does, at start). */
export function setSupervisorLauncher(next: SupervisorLauncher | undefined): void {
  launcher = next;
}

export function supervisorLauncher(): SupervisorLauncher {
  return launcher ?? cliSupervisorLauncher();
}

/**
 * Whether a process's command line (/proc/PID/cmdline) is NAME's supervisor, however it was
 * started: a cluster may be running from the CLI when the app starts, or the other way round.
 */
export function isSupervisorCommandLine(cmdline: string, name: string): boolean {
  // Split on spaces too: Chromium on Linux rewrites its process title as one line (setproctitle).
  const args = cmdline.split(/[\0 ]+/).filter(Boolean);
  if (!args.includes(name)) return false;
  const flag = args.indexOf(SUPERVISOR_FLAG);
  if (flag >= 0) return args[flag + 1] === name;
  const run = args.indexOf('run');
  return run > 0 && args[run - 1] === 'cluster' && args[run + 1] === name;
}
