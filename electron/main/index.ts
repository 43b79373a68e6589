// Electron main's entry. The app's executable is also each running cluster's supervisor
// (`--flotilla-supervisor NAME [--create]`, supervisor-mode.ts): decided first, before anything
// of the desktop app (window, tray, menu, single-instance lock) exists.
import { app } from 'electron';
import { runSupervisor } from '../../control-plane/cluster/supervisor.ts';
import { startDesktopApp } from './desktop-app.ts';
import {
  packagedAgentBundle,
  runSupervisorMode,
  supervisorRequest,
  type SupervisorRequest,
} from './supervisor-mode.ts';

let request: SupervisorRequest | undefined;
let invalid = false;
try {
  request = supervisorRequest(process.argv);
} catch (error) {
  console.error(`flotilla: ${(error as Error).message}`);
  invalid = true;
  app.exit(2);
}

if (request)
  void runSupervisorMode(app, request, {
    runSupervisor,
    agentBundle: app.isPackaged ? packagedAgentBundle(process.resourcesPath) : undefined,
  });
else if (!invalid) startDesktopApp();
