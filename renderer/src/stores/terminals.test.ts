// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { minDockHeight, useTerminals } from './terminals.ts';

describe('terminal dock store', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });

  it('opens node, exec and local tabs with their titles and WebSocket paths, the newest active', () => {
    const dock = useTerminals();
    expect(dock.visible).toBe(false);
    const node = dock.openNodeShell('flo-a', 'flo-a-1');
    const exec = dock.openExec({
      namespace: 'default',
      pod: 'web-xyz',
      container: 'app',
      command: ['sh'],
      tty: true,
    });
    const local = dock.openLocal('flo-a');
    expect(dock.tabs.map((t) => t.title)).toEqual([
      'node: flo-a-1',
      'exec: default/web-xyz (app)',
      'local: KUBECONFIG=flo-a',
    ]);
    expect(node.path).toBe('/app/v1/clusters/flo-a/nodes/flo-a-1/shell');
    expect(exec.path).toMatch(/^\/api\/v1\/namespaces\/default\/pods\/web-xyz\/exec\?.*container=app/);
    expect(local.path).toBe('/app/v1/local-shell?cluster=flo-a');
    expect(dock.active?.id).toBe(local.id);
    expect(dock.visible).toBe(true);
    expect(dock.tabs.every((t) => t.state === 'connecting' && t.session === 1)).toBe(true);
  });

  it('closing the active tab activates its right neighbour, else the left one; the last hides the dock', () => {
    const dock = useTerminals();
    const a = dock.openLocal('', 'this control plane');
    const b = dock.openLocal('');
    const c = dock.openLocal('');
    dock.activate(b.id);
    dock.close(b.id);
    expect(dock.activeId).toBe(c.id);
    dock.close(c.id);
    expect(dock.activeId).toBe(a.id);
    dock.close(a.id);
    expect(dock.tabs).toEqual([]);
    expect(dock.activeId).toBe('');
    expect(dock.visible).toBe(false);
  });

  it('closing an inactive tab keeps the active one', () => {
    const dock = useTerminals();
    const a = dock.openLocal('');
    const b = dock.openLocal('');
    dock.close(a.id);
    expect(dock.activeId).toBe(b.id);
  });

  it('tracks each session: connected, closed with its reason, and a reconnect opens session 2', () => {
    const dock = useTerminals();
    const tab = dock.openNodeShell('c', 'n1');
    dock.setState(tab.id, 'connected');
    expect(dock.tabs[0]!.state).toBe('connected');
    dock.setState(tab.id, 'closed', 'connection closed (1006)');
    expect(dock.tabs[0]).toMatchObject({ state: 'closed', message: 'connection closed (1006)' });
    dock.reconnect(tab.id);
    expect(dock.tabs[0]).toMatchObject({ state: 'connecting', message: '', session: 2 });
  });

  it('toggles visibility without losing tabs, and activating a tab shows the dock', () => {
    const dock = useTerminals();
    const tab = dock.openLocal('');
    dock.toggle();
    expect(dock.visible).toBe(false);
    expect(dock.tabs).toHaveLength(1);
    dock.activate(tab.id);
    expect(dock.visible).toBe(true);
  });

  it('remembers the dock height across app starts, within bounds', () => {
    const dock = useTerminals();
    dock.setHeight(412.4, 900);
    expect(dock.height).toBe(412);
    dock.setHeight(5000, 700);
    expect(dock.height).toBe(700);
    dock.setHeight(10);
    expect(dock.height).toBe(minDockHeight);
    dock.setHeight(333);
    setActivePinia(createPinia());
    expect(useTerminals().height).toBe(333);
  });
});
