// The desktop window's security settings, checked without an Electron binary.
import { describe, expect, it } from 'vitest';
import {
  desktopContentSecurityPolicy,
  isApiPath,
  isExternalLink,
  ipcSenderAllowed,
  isOwnPage,
  windowOptions,
} from './security.ts';
import { channels } from './ipc-contract.ts';
import { contentSecurityPolicy } from '../../control-plane/ui-server/security-headers.ts';

describe('desktop window security', () => {
  it('isolates and sandboxes the renderer, with no Node and web security on', () => {
    const { webPreferences } = windowOptions('/app/preload.cjs');
    expect(webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it.each([
    ['desktop', desktopContentSecurityPolicy],
    ['browser mode', contentSecurityPolicy],
  ])('%s CSP allows only our own scripts and connections, no frames or plugins', (_, csp) => {
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values.join(' ')];
      }),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('keeps navigation on our own pages and sends only http(s) links to the system browser', () => {
    expect(isOwnPage('app://flotilla/index.html')).toBe(true);
    expect(isOwnPage('app://flotilla.evil/index.html')).toBe(false);
    expect(isOwnPage('https://example.com/')).toBe(false);
    expect(isOwnPage('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('https://kubernetes.io/docs/')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });

  it('forwards only API paths to the control plane', () => {
    expect(isApiPath('/api/v1/pods')).toBe(true);
    expect(isApiPath('/apis/apps/v1/deployments')).toBe(true);
    expect(isApiPath('/app/v1/clusters')).toBe(true);
    expect(isApiPath('/assets/index.js')).toBe(false);
    expect(isApiPath('/apix')).toBe(false);
  });

  it('answers IPC only from the main frame of our own window showing our own page', () => {
    const ours = { frameUrl: 'app://flotilla/index.html', isMainFrame: true, fromOurWindow: true };
    expect(ipcSenderAllowed(ours)).toBe(true);
    expect(ipcSenderAllowed({ ...ours, frameUrl: 'https://example.com/' })).toBe(false);
    expect(ipcSenderAllowed({ ...ours, frameUrl: undefined })).toBe(false);
    expect(ipcSenderAllowed({ ...ours, isMainFrame: false })).toBe(false);
    expect(ipcSenderAllowed({ ...ours, fromOurWindow: false })).toBe(false);
  });

  it('keeps every IPC channel in our own namespace', () => {
    expect(Object.values(channels).every((c) => c.startsWith('flotilla:'))).toBe(true);
  });

  it('has exactly the IPC channels the preload exposes (a new one needs its sender check)', () => {
    // openTerminal is an ipcMain.on message carrying a MessagePort: terminal-ipc.ts checks the
    // sender with ipcSenderAllowed and terminal-relay.ts relays terminal paths only.
    expect(Object.keys(channels).sort()).toEqual([
      'controlPlaneChanged',
      'getControlPlane',
      'openTerminal',
      'retryControlPlane',
    ]);
  });
});
