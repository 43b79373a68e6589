// The app's own executable as a cluster supervisor: `Flotilla --flotilla-supervisor NAME
// [--create]`. A packaged app has its fuses off (no ELECTRON_RUN_AS_NODE) and ships no Node or
// CLI, so this is how a detached supervisor runs there (and in development, to take the same
// path). It is decided first thing in main (index.ts): no window, tray, menu, single-instance
// lock or dock icon; the process lives exactly as long as the supervisor.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  appSupervisorLauncher,
  SUPERVISOR_FLAG,
  type SupervisorLauncher,
  type SupervisorMode,
} from '../../control-plane/cluster/supervisor-launcher.ts';

export interface SupervisorRequest {
  name: string;
  mode: SupervisorMode;
}

/**
 * The supervisor this process is asked to be, from its argv, or undefined for the desktop app.
 * The flag is looked for anywhere: a development Electron has its entry file before it.
 */
export function supervisorRequest(argv: readonly string[]): SupervisorRequest | undefined {
  const at = argv.findIndex((a) => a === SUPERVISOR_FLAG || a.startsWith(`${SUPERVISOR_FLAG}=`));
  if (at < 0) return undefined;
  const flag = argv[at]!;
  const name = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : argv[at + 1];
  if (!name || name.startsWith('-')) throw new Error(`${SUPERVISOR_FLAG} needs a cluster name`);
  return { name, mode: argv.slice(at + 1).includes('--create') ? 'create' : 'start' };
}

/** What supervisor mode uses of Electron's `app` (tests pass a stand-in: Electron cannot run here). */
export interface SupervisorApp {
  readonly dock?: { hide(): void };
  disableHardwareAcceleration(): void;
  setPath(name: 'sessionData', path: string): void;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  exit(code: number): void;
}

export interface SupervisorModeOptions {
  /** control-plane/cluster's runSupervisor: resolves with the exit code. */
  runSupervisor(request: SupervisorRequest): Promise<number>;
  /** A packaged app's prebuilt agent bundle (packagedAgentBundle); none in development. */
  agentBundle?: string;
  log?: (message: string) => void;
}

/** Runs the supervisor and exits the app with its code; resolves with that code. */
export async function runSupervisorMode(
  app: SupervisorApp,
  request: SupervisorRequest,
  opts: SupervisorModeOptions,
): Promise<number> {
  const log = opts.log ?? ((message: string) => console.error(message));
  // Headless: no GPU process for a process that never draws; no dock icon on macOS.
  app.disableHardwareAcceleration();
  app.dock?.hide();
  // Chromium's own files (Local State, caches) away from the running app's profile.
  app.setPath('sessionData', join(tmpdir(), `flotilla-supervisor-${request.name}`));
  // Electron quits when the last window closes; this process never has one and must not quit.
  app.on('window-all-closed', () => {});
  let done = false;
  // A quit Electron starts itself (its own SIGTERM/SIGINT handling, a logout) becomes the
  // supervisor's graceful stop: nodes and control plane first, then the exit below.
  app.on('before-quit', (event) => {
    if (done) return;
    event.preventDefault();
    process.emit('SIGTERM');
  });
  // The installer uploads this file to every node (control-plane/provision/install/agent-bundle.ts).
  if (opts.agentBundle) process.env['FLOTILLA_AGENT_BUNDLE'] = opts.agentBundle;
  let code: number;
  try {
    code = await opts.runSupervisor(request);
  } catch (error) {
    log(`flotilla: the supervisor of ${request.name} cannot run: ${(error as Error).message}`);
    code = 1;
  }
  done = true;
  app.exit(code);
  return code;
}

/** Where electron-builder's extraResources put the agent bundle (electron-builder.yml). */
export function packagedAgentBundle(resourcesPath: string): string {
  return join(resourcesPath, 'agent', 'agent.mjs');
}

/** How this app runs its executable as a supervisor: the command and what goes before the flag. */
export interface AppExecutable {
  command: string;
  appArgs: string[];
}

/**
 * A development Electron (`process.defaultApp`) needs its entry file first. On Linux the
 * supervisor also asks Chromium for no display (Ozone's headless platform) and no GPU: it never
 * draws, and must neither fail on a host without one nor die with the desktop session's.
 */
export function appExecutable(
  execPath: string,
  defaultApp: boolean,
  argv: readonly string[],
  platform: NodeJS.Platform = process.platform,
): AppExecutable {
  return {
    command: execPath,
    appArgs: [
      ...(defaultApp && argv[1] ? [resolve(argv[1])] : []),
      ...(platform === 'linux' ? ['--ozone-platform=headless', '--disable-gpu'] : []),
    ],
  };
}

/**
 * Main starts clusters (resume, tray) and so does the control plane's utility process (the
 * app API's create/start), whose own execPath and argv are not the app's: main hands it over.
 */
export const APP_EXECUTABLE_ENV = 'FLOTILLA_APP_EXECUTABLE';

export function appExecutableFromEnv(env: NodeJS.ProcessEnv): AppExecutable | undefined {
  const value = env[APP_EXECUTABLE_ENV];
  if (!value) return undefined;
  const parsed = JSON.parse(value) as Partial<AppExecutable>;
  if (typeof parsed.command !== 'string' || !Array.isArray(parsed.appArgs))
    throw new Error(`${APP_EXECUTABLE_ENV} is not {command, appArgs}: ${value}`);
  return { command: parsed.command, appArgs: parsed.appArgs.map(String) };
}

export function launcherFor(executable: AppExecutable): SupervisorLauncher {
  return appSupervisorLauncher(executable.command, executable.appArgs);
}
