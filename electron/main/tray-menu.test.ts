// What the tray offers in each state (the menu template; Electron itself cannot run here).
import { describe, expect, it } from 'vitest';
import { trayIcon, trayMenu, trayTooltip, type TrayActions, type TrayMenuItem } from './tray-menu.ts';

function recorder() {
  const calls: string[] = [];
  const actions: TrayActions = {
    openWindow: () => calls.push('open window'),
    openCluster: (n) => calls.push(`open ${n}`),
    startCluster: (n) => calls.push(`start ${n}`),
    stopCluster: (n) => calls.push(`stop ${n}`),
    retryControlPlane: () => calls.push('retry'),
  };
  return { calls, actions };
}

const item = (items: TrayMenuItem[], label: string) => {
  const found = items.find((i) => i.label === label);
  if (!found) throw new Error(`no item ${label} in ${items.map((i) => i.label).join(', ')}`);
  return found;
};
const enabled = (items: TrayMenuItem[]) =>
  items.filter((i) => i.label && i.enabled !== false).map((i) => i.label);

describe('tray menu', () => {
  it('lists each cluster with its state, offering only what makes sense', () => {
    const { calls, actions } = recorder();
    const menu = trayMenu(
      { phase: 'running' },
      [
        { name: 'demo', state: 'running' },
        { name: 'lab', state: 'stopped' },
        { name: 'edge', state: 'starting' },
      ],
      new Map(),
      actions,
    );
    expect(menu[0]).toMatchObject({ label: 'Control plane: running', enabled: false });
    const demo = item(menu, 'demo: running').submenu!;
    expect(enabled(demo)).toEqual(['Open', 'Stop']);
    const lab = item(menu, 'lab: stopped').submenu!;
    expect(enabled(lab)).toEqual(['Start']);
    const edge = item(menu, 'edge: starting').submenu!;
    expect(enabled(edge)).toEqual(['Stop']);
    item(demo, 'Open').click!();
    item(demo, 'Stop').click!();
    item(lab, 'Start').click!();
    expect(calls).toEqual(['open demo', 'stop demo', 'start lab']);
    expect(menu.at(-1)).toMatchObject({ label: 'Quit Flotilla', role: 'quit' });
  });

  it('shows what the tray asked for while it is under way, and allows nothing else', () => {
    const { actions } = recorder();
    const menu = trayMenu(
      { phase: 'running' },
      [{ name: 'demo', state: 'running' }],
      new Map([['demo', 'stopping' as const]]),
      actions,
    );
    expect(enabled(item(menu, 'demo: stopping').submenu!)).toEqual(['Open']);
  });

  it('shows why a cluster failed and lets the user start it again', () => {
    const { actions } = recorder();
    const menu = trayMenu(
      { phase: 'running' },
      [{ name: 'demo', state: 'failed', error: 'start node (node-1): namespace exists' }],
      new Map(),
      actions,
    );
    const demo = item(menu, 'demo: failed').submenu!;
    expect(demo[0]).toMatchObject({ label: 'start node (node-1): namespace exists', enabled: false });
    expect(enabled(demo)).toEqual(['Start']);
    expect(trayIcon({ phase: 'running' }, [{ name: 'demo', state: 'failed' }])).toBe('failed');
  });

  it('shows the control plane restarting, and a restart button once it failed', () => {
    const { calls, actions } = recorder();
    const restarting = trayMenu(
      { phase: 'restarting', attempt: 3, delayMs: 4_000, lastError: 'exited with code 1' },
      [],
      new Map(),
      actions,
    );
    expect(restarting[0]!.label).toBe('Control plane: restarting (attempt 3) in 4 s: exited with code 1');
    expect(restarting.some((i) => i.label === 'Restart the control plane')).toBe(false);
    expect(item(restarting, 'No clusters yet').enabled).toBe(false);

    const failed = trayMenu({ phase: 'failed', error: 'EADDRINUSE' }, [], new Map(), actions);
    item(failed, 'Restart the control plane').click!();
    expect(calls).toEqual(['retry']);
    expect(trayIcon({ phase: 'failed', error: 'x' }, [])).toBe('failed');
    expect(trayIcon({ phase: 'starting', attempt: 1 }, [])).toBe('busy');
    expect(trayIcon({ phase: 'running' }, [{ name: 'a', state: 'running' }])).toBe('running');
    expect(
      trayTooltip({ phase: 'running' }, [
        { name: 'a', state: 'running' },
        { name: 'b', state: 'stopped' },
      ]),
    ).toBe('Flotilla: control plane running; 1 of 2 cluster(s) running');
  });
});
