// Electron main: one instance, one secure window on app://flotilla, the control plane in a
// utilityProcess, a tray and a menu. Everything risky is decided in security.ts.
import {
  app,
  BrowserWindow,
  dialog,
  screen,
  ipcMain,
  Menu,
  net,
  protocol,
  shell,
  Tray,
  nativeImage,
  utilityProcess,
} from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listClusters, stopCluster } from '../../control-plane/cluster/index.ts';
import { forward, login, type ControlPlaneSession } from './api-proxy.ts';
import { loadBounds, saveBounds, visibleOn } from './window-state.ts';
import { channels, type ControlPlaneInfo } from './ipc-contract.ts';
import {
  appOrigin,
  appScheme,
  desktopContentSecurityPolicy,
  isApiPath,
  isExternalLink,
  isOwnPage,
  windowOptions,
} from './security.ts';

protocol.registerSchemesAsPrivileged([
  { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | undefined;
let tray: Tray | undefined;
let session: ControlPlaneSession | undefined;
let info: ControlPlaneInfo = { apiUrl: '', kubeconfigPath: '', state: 'starting' };
const rendererDir = join(import.meta.dirname, '..', 'renderer');

function startControlPlane(): void {
  const child = utilityProcess.fork(join(import.meta.dirname, 'control-plane-process.js'), [], {
    env: { ...process.env, FLOTILLA_DATA_DIR: join(app.getPath('userData'), 'clusters', 'default') },
    serviceName: 'Flotilla control plane',
  });
  child.on(
    'message',
    (m: {
      type: string;
      apiUrl?: string;
      kubeconfigPath?: string;
      loginUrl?: string;
      caPath?: string;
      error?: string;
    }) => {
      if (m.type === 'ready') {
        info = { apiUrl: m.apiUrl!, kubeconfigPath: m.kubeconfigPath!, state: 'running' };
        login(m.loginUrl!, m.caPath!).then(
          (s) => (session = s),
          (err: Error) => (info = { ...info, state: 'failed', error: err.message }),
        );
      } else if (m.type === 'failed') info = { ...info, state: 'failed', error: m.error };
      updateTray();
    },
  );
  child.on('exit', (code) => {
    if (code !== 0) info = { ...info, state: 'failed', error: `the control plane exited (${code})` };
    updateTray();
  });
  app.on('before-quit', () => child.kill());
}

async function serveApp(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (isApiPath(url.pathname)) {
    if (!session) return new Response('{"error":"the control plane is starting"}', { status: 503 });
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
  window = new BrowserWindow({
    ...windowOptions(join(import.meta.dirname, '..', 'preload', 'index.cjs')),
    ...(saved && visibleOn(saved, displays) ? saved : {}),
  });
  window.on('close', () => window && saveBounds(stateFile, window.getBounds()));
  window.once('ready-to-show', () => window?.show());
  void window.loadURL(`${appOrigin}/index.html`);
}

function updateTray(): void {
  tray?.setToolTip(`Flotilla: control plane ${info.state}`);
  tray?.setContextMenu(
    Menu.buildFromTemplate([
      { label: `Control plane: ${info.state}`, enabled: false },
      { label: 'Open Flotilla', click: () => (window ? window.show() : createWindow()) },
      { type: 'separator' },
      { label: 'Quit', role: 'quit' },
    ]),
  );
}

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

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
  protocol.handle(appScheme, serveApp);
  // Every IPC handler checks who asks: only our own page in our own window.
  ipcMain.handle(channels.getControlPlane, (event) => {
    if (!event.senderFrame || !isOwnPage(event.senderFrame.url))
      throw new Error('refused: not a Flotilla page');
    return info;
  });
  startControlPlane();
  tray = new Tray(nativeImage.createEmpty());
  updateTray();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
      {
        role: 'help',
        submenu: [
          { label: 'Kubernetes docs', click: () => void shell.openExternal('https://kubernetes.io/docs/') },
        ],
      },
    ]),
  );
  createWindow();
});

// Quitting asks what to do with clusters that are running: they live in their own supervisors
// and would keep running (and keep their workloads) after the app is gone.
let quitDecided = false;
app.on('before-quit', (event) => {
  if (quitDecided) return;
  event.preventDefault();
  void (async () => {
    const running = (await listClusters().catch(() => [])).filter((c) => c.state === 'running');
    if (running.length > 0) {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        message: `${running.length} cluster(s) are running: ${running.map((c) => c.name).join(', ')}`,
        detail:
          'Keep them running in the background, or stop them? Stopped clusters keep their workloads and start again later.',
        buttons: ['Keep running', 'Stop them', 'Cancel'],
        defaultId: 0,
        cancelId: 2,
      });
      if (response === 2) return;
      if (response === 1) await Promise.all(running.map((c) => stopCluster(c.name).catch(() => {})));
    }
    quitDecided = true;
    app.quit();
  })();
});

app.on('window-all-closed', () => {
  // Clusters keep running in their own supervisors; the window can come back from the tray.
  if (process.platform !== 'darwin' && !tray) app.quit();
});
