// The desktop app in Electron main (index.ts starts it unless this process is a cluster
// supervisor): one instance, one secure window on app://flotilla, the control plane in a
// utilityProcess kept alive by ControlPlaneSupervisor, a tray with every cluster, and a menu.
// Clusters left running start again when the app starts (resumeClusters). Everything risky is
// decided in security.ts; the restart policy, the tray's contents and the secret store are
// plain modules with their own tests. See electron/README.md.
import {
  app,
  BrowserWindow,
  dialog,
  screen,
  ipcMain,
  Menu,
  net,
  protocol,
  safeStorage,
  shell,
  Tray,
  nativeImage,
  utilityProcess,
  type IpcMainInvokeEvent,
} from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  listClusters,
  resumeClusters,
  setSupervisorLauncher,
  startCluster,
  stopCluster,
  type ClusterSummary,
} from '../../control-plane/cluster/index.ts';
import { forward, login, type ControlPlaneSession } from './api-proxy.ts';
import {
  ControlPlaneSupervisor,
  describeControlPlaneState,
  type ChildMessage,
  type ControlPlaneChild,
  type ControlPlaneState,
} from './control-plane-supervisor.ts';
import { channels, type ControlPlaneInfo } from './ipc-contract.ts';
import { SecretStore } from './secret-store.ts';
import {
  appOrigin,
  appScheme,
  desktopContentSecurityPolicy,
  ipcSenderAllowed,
  isApiPath,
  isExternalLink,
  isOwnPage,
  windowOptions,
} from './security.ts';
import { handleTerminals } from './terminal-ipc.ts';
import { trayIcons } from './tray-icons.ts';
import { trayIcon, trayMenu, trayTooltip, type PendingAction } from './tray-menu.ts';
import { APP_EXECUTABLE_ENV, appExecutable, launcherFor } from './supervisor-mode.ts';
import { loadBounds, saveBounds, visibleOn } from './window-state.ts';

/** Whether this is the one running instance (the single-instance lock is ours). */
let primary = false;

let window: BrowserWindow | undefined;
let tray: Tray | undefined;
let session: ControlPlaneSession | undefined;
let endpoints = { apiUrl: '', kubeconfigPath: '' };
let clusters: ClusterSummary[] = [];
/** Start/stop clicked in the tray and still under way. */
const pending = new Map<string, PendingAction>();
const rendererDir = join(import.meta.dirname, '..', 'renderer');
/** Secrets the desktop keeps between runs; see electron/README.md for which and why. */
let secrets: SecretStore | undefined;
/** This app's executable, which runs cluster supervisors (supervisor-mode.ts). */
const executable = appExecutable(process.execPath, process.defaultApp === true, process.argv);

const controlPlane = new ControlPlaneSupervisor({
  spawn: spawnControlPlane,
  onState: (state) => {
    if (state.phase !== 'running') session = undefined;
    publishControlPlane();
  },
  onReady: (ready) => {
    endpoints = { apiUrl: ready.apiUrl, kubeconfigPath: ready.kubeconfigPath };
    login(ready.loginUrl, ready.caPath).then(
      (s) => {
        session = s;
        publishControlPlane();
      },
      // Unusable without a session: restart it like a crash; the tray and the renderer say why.
      (err: Error) => controlPlane.restart(`cannot log in to the control plane: ${err.message}`),
    );
  },
});

/** The control plane's utility process, as the supervisor's small child interface. */
function spawnControlPlane(): ControlPlaneChild {
  const child = utilityProcess.fork(join(import.meta.dirname, 'control-plane-process.js'), [], {
    env: {
      ...process.env,
      FLOTILLA_DATA_DIR: join(app.getPath('userData'), 'clusters', 'default'),
      // The app API creates and starts clusters from there: with this executable, as main does.
      [APP_EXECUTABLE_ENV]: JSON.stringify(executable),
    },
    serviceName: 'Flotilla control plane',
  });
  return {
    onMessage: (listener) => child.on('message', (m: ChildMessage) => listener(m)),
    onExit: (listener) => child.on('exit', listener),
    kill: (signal) => {
      // utilityProcess.kill() is SIGTERM; a hung child needs SIGKILL.
      if (signal === 'SIGTERM' || !child.pid) child.kill();
      else
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
    },
  };
}

function controlPlaneInfo(): ControlPlaneInfo {
  const state: ControlPlaneState = controlPlane.state;
  return {
    ...endpoints,
    state: state.phase,
    ...(state.phase === 'starting' || state.phase === 'restarting' ? { attempt: state.attempt } : {}),
    ...(state.phase === 'failed' ? { error: state.error } : {}),
    ...(state.phase === 'restarting' ? { error: state.lastError } : {}),
    summary: describeControlPlaneState(state),
    secrets: secretStore().protection(),
  };
}

function secretStore(): SecretStore {
  secrets ??= new SecretStore(join(app.getPath('userData'), 'secrets.json'), safeStorage);
  return secrets;
}

/** The renderer and the tray hear about every control-plane state change. */
function publishControlPlane(): void {
  if (window && !window.isDestroyed())
    window.webContents.send(channels.controlPlaneChanged, controlPlaneInfo());
  updateTray();
}

async function serveApp(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (isApiPath(url.pathname)) {
    if (!session) {
      // Says what the control plane is doing, so the renderer never shows an endless spinner.
      const body = JSON.stringify({ error: `the control plane is ${controlPlaneInfo().summary}` });
      return new Response(body, { status: 503, headers: { 'Content-Type': 'application/json' } });
    }
    return forward(session, req);
  }
  const root = normalize(rendererDir);
  const file = normalize(join(root, url.pathname === '/' ? 'index.html' : url.pathname));
  if (!file.startsWith(root + sep)) return new Response('not found', { status: 404 });
  const res = await net.fetch(pathToFileURL(file).toString());
  const headers = new Headers(res.headers);
  headers.set('Content-Security-Policy', desktopContentSecurityPolicy);
  return new Response(res.body, { status: res.status, headers });
}

function createWindow(): void {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const saved = loadBounds(stateFile);
  const displays = screen.getAllDisplays().map((d) => d.workArea);
  const restore = saved && visibleOn(saved, displays) ? saved : undefined;
  window = new BrowserWindow({
    ...windowOptions(join(import.meta.dirname, '..', 'preload', 'index.cjs')),
    ...(restore ? { x: restore.x, y: restore.y, width: restore.width, height: restore.height } : {}),
  });
  window.on(
    'close',
    () => window && saveBounds(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() }),
  );
  window.on('closed', () => (window = undefined));
  // maximize() shows the window too: only once there is something to show.
  window.once('ready-to-show', () => (restore?.maximized ? window?.maximize() : window?.show()));
  void window.loadURL(`${appOrigin}/index.html`);
}

function showWindow(): void {
  if (!window) return createWindow();
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/** Shows the window on one of the renderer's screens (hash routes in the desktop: router.ts). */
function showScreen(route: string): void {
  showWindow();
  void window?.loadURL(`${appOrigin}/index.html#${route}`);
}

/** Shows the window on a cluster: the renderer keeps its choice in localStorage (current-cluster.ts). */
function openCluster(name: string): void {
  showWindow();
  const select = `localStorage.setItem('flotilla.cluster', ${JSON.stringify(name)}); location.reload();`;
  const run = () => void window?.webContents.executeJavaScript(select);
  if (window?.webContents.isLoading()) window.webContents.once('did-finish-load', run);
  else run();
}

/** A tray click: the tray shows it as under way until the cluster has started or stopped. */
function clusterAction(name: string, action: PendingAction): void {
  pending.set(name, action);
  updateTray();
  const work = action === 'starting' ? startCluster(name) : stopCluster(name);
  work
    .catch((err: Error) => {
      // A failed start is listed as failed with its error; a failed stop needs saying.
      if (action === 'stopping') dialog.showErrorBox('Flotilla', `Cannot stop ${name}: ${err.message}`);
    })
    .finally(() => {
      pending.delete(name);
      void refreshClusters();
    });
}

async function refreshClusters(): Promise<void> {
  clusters = await listClusters().catch(() => clusters);
  updateTray();
}

let lastMenu = '';
function updateTray(): void {
  if (!tray) return;
  const state = controlPlane.state;
  const summary = clusters.map((c) => ({ name: c.name, state: c.state, error: c.error }));
  const key = JSON.stringify([state, summary, [...pending]]);
  if (key === lastMenu) return; // rebuilt on change only: the refresh runs every few seconds
  lastMenu = key;
  tray.setImage(nativeImage.createFromDataURL(trayIcons[trayIcon(state, summary)]));
  tray.setToolTip(trayTooltip(state, summary));
  tray.setContextMenu(
    Menu.buildFromTemplate(
      trayMenu(state, summary, pending, {
        openWindow: showWindow,
        openCluster,
        startCluster: (name) => clusterAction(name, 'starting'),
        stopCluster: (name) => clusterAction(name, 'stopping'),
        retryControlPlane: () => controlPlane.retry(),
      }),
    ),
  );
}

/** Every IPC handler checks who asks: only our own page, in the main frame of our own window. */
function handle<T>(channel: string, run: () => T): void {
  ipcMain.handle(channel, (event: IpcMainInvokeEvent) => {
    const frame = event.senderFrame;
    const allowed = ipcSenderAllowed({
      frameUrl: frame?.url,
      isMainFrame: frame?.parent === null,
      fromOurWindow: window !== undefined && !window.isDestroyed() && event.sender === window.webContents,
    });
    if (!allowed) throw new Error('refused: not a Flotilla page');
    return run();
  });
}

/** The desktop app: everything above comes to life here (index.ts decides it is not a supervisor). */
export function startDesktopApp(): void {
  // Clusters this app starts (resume, tray; the utility process too, see spawnControlPlane) run
  // in this executable's supervisor mode: a packaged app has no Node and no CLI to run them.
  setSupervisorLauncher(launcherFor(executable));
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);

  // A second instance hands over to the first (second-instance) and quits without starting
  // anything: no control plane, no resume, no quit dialog about the first one's clusters.
  primary = app.requestSingleInstanceLock();
  if (!primary) app.quit();

  app.on('second-instance', showWindow);
  // macOS: clicking the dock icon with no window open brings it back.
  app.on('activate', () => primary && app.isReady() && showWindow());

  app.on('web-contents-created', (_, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnPage(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  void app.whenReady().then(() => {
    if (!primary) return;
    protocol.handle(appScheme, serveApp);
    handle(channels.getControlPlane, controlPlaneInfo);
    handle(channels.retryControlPlane, () => controlPlane.retry());
    // Terminals are WebSockets, which app:// cannot carry: main relays them over a MessagePort.
    handleTerminals({
      window: () => window,
      session: () => session,
      unavailable: () => controlPlaneInfo().summary,
    });
    tray = new Tray(nativeImage.createFromDataURL(trayIcons.busy));
    controlPlane.start();
    Menu.setApplicationMenu(
      Menu.buildFromTemplate([
        ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
        {
          label: 'File',
          submenu: [
            { label: 'New Cluster…', accelerator: 'CmdOrCtrl+N', click: () => showScreen('/create') },
            { type: 'separator' },
            process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
          ],
        },
        { role: 'editMenu' },
        { role: 'viewMenu' },
        { role: 'windowMenu' },
        {
          role: 'help',
          submenu: [
            { label: 'Diagnostics', click: () => showScreen('/diagnostics') },
            { label: 'Kubernetes docs', click: () => void shell.openExternal('https://kubernetes.io/docs/') },
          ],
        },
      ]),
    );
    createWindow();
    // Clusters left running (before a reboot, or when the app last quit keeping them) come back
    // in the background; the tray and the app's cluster list show them starting.
    void resumeClusters({ onResult: () => void refreshClusters() }).then(() => refreshClusters());
    // Clusters change state outside this process too (the CLI, supervisors): follow them.
    setInterval(() => void refreshClusters(), 5_000).unref();
    const protection = secretStore().protection();
    if (protection.level !== 'os-keyring') console.warn(`flotilla: ${protection.warning}`);
  });

  // Quitting asks what to do with clusters that are running: they live in their own supervisors
  // and would keep running (and keep their workloads) after the app is gone. The control plane
  // is stopped only once the quit is decided, and is not restarted while it goes.
  let quitDecided = false;
  app.on('before-quit', (event) => {
    if (quitDecided || !primary) return;
    event.preventDefault();
    void (async () => {
      const running = (await listClusters().catch(() => [])).filter(
        (c) => c.state === 'running' || c.state === 'starting',
      );
      if (running.length > 0) {
        const { response } = await dialog.showMessageBox({
          type: 'question',
          message: `${running.length} cluster(s) are running: ${running.map((c) => c.name).join(', ')}`,
          detail:
            'Keep them running in the background (they also come back after a restart of the computer), or stop them? Stopped clusters keep their workloads and start again from the tray or `flotilla cluster start`.',
          buttons: ['Keep running', 'Stop them', 'Cancel'],
          defaultId: 0,
          cancelId: 2,
        });
        if (response === 2) return;
        if (response === 1) await Promise.all(running.map((c) => stopCluster(c.name).catch(() => {})));
      }
      quitDecided = true;
      await controlPlane.stop();
      app.quit();
    })();
  });

  app.on('window-all-closed', () => {
    // Clusters keep running in their own supervisors; the window can come back from the tray.
    if (process.platform !== 'darwin' && !tray) app.quit();
  });
}
