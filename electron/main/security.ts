// The desktop window's security settings, in one place with no Electron import, so a plain
// unit test can check them (test: electron/main/security.test.ts).

/** The renderer's origin under the custom protocol (never file://). */
export const appScheme = 'app';
export const appOrigin = `${appScheme}://flotilla`;

/** Strict CSP for every app:// response: our scripts only, API calls to our own origin. */
export const desktopContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface SecureWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: boolean;
  };
}

/** BrowserWindow options for the main window. */
export function windowOptions(preload: string): SecureWindowOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    // Shown on ready-to-show, so there is no white flash.
    show: false,
    title: 'Flotilla',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Navigation inside the window: only our own pages. */
export function isOwnPage(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === appOrigin;
  } catch {
    return false;
  }
}

/** Links that may open in the system browser (window.open, target=_blank): http(s) only. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Paths the app:// protocol forwards to the control plane; everything else is the renderer. */
export function isApiPath(pathname: string): boolean {
  return /^\/(api|apis|app|version|openapi)(\/|$)/.test(pathname);
}

/**
 * Whether an IPC call may be answered: it must come from the main frame of our own window,
 * showing one of our own pages (not an iframe, not a page navigated elsewhere).
 */
export function ipcSenderAllowed(sender: {
  frameUrl: string | undefined;
  isMainFrame: boolean;
  fromOurWindow: boolean;
}): boolean {
  return (
    sender.fromOurWindow && sender.isMainFrame && sender.frameUrl !== undefined && isOwnPage(sender.frameUrl)
  );
}
