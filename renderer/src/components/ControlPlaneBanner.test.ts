// @vitest-environment happy-dom
// The banner follows main's control-plane state through `window.flotilla`. The preload needs
// Electron, whose binary cannot run here: the bridge is a stand-in with the preload's three
// calls, pushing states as main does (electron/main/ipc-contract.ts).
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import ControlPlaneBanner from './ControlPlaneBanner.vue';

type Status = { state: string; attempt?: number; error?: string };

function standInBridge(initial: Status) {
  const listeners = new Set<(s: Status) => void>();
  const bridge = {
    retries: 0,
    getControlPlane: () => Promise.resolve(initial),
    retryControlPlane: () => {
      bridge.retries++;
      return Promise.resolve();
    },
    onControlPlaneChanged(listener: (s: Status) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push: (s: Status) => listeners.forEach((l) => l(s)),
    listening: () => listeners.size,
  };
  (globalThis as { flotilla?: unknown }).flotilla = bridge;
  return bridge;
}

afterEach(() => {
  delete (globalThis as { flotilla?: unknown }).flotilla;
});

describe('ControlPlaneBanner', () => {
  it('is not there in browser mode', async () => {
    const banner = mount(ControlPlaneBanner);
    await flushPromises();
    expect(banner.find('[data-testid="control-plane-banner"]').exists()).toBe(false);
  });

  it('says starting, then each restart with its attempt and error, and goes once running', async () => {
    const bridge = standInBridge({ state: 'starting', attempt: 1 });
    const banner = mount(ControlPlaneBanner);
    await flushPromises();
    expect(banner.text()).toBe('Starting the control plane…');
    expect(banner.find('[data-testid="control-plane-retry"]').exists()).toBe(false);

    bridge.push({ state: 'restarting', attempt: 3, error: 'no heartbeat for 20 s' });
    await flushPromises();
    expect(banner.text()).toBe('The control plane stopped; restarting (attempt 3): no heartbeat for 20 s');
    bridge.push({ state: 'starting', attempt: 3 });
    await flushPromises();
    expect(banner.text()).toBe('Starting the control plane (attempt 3)…');

    bridge.push({ state: 'running' });
    await flushPromises();
    expect(banner.find('[data-testid="control-plane-banner"]').exists()).toBe(false);
    banner.unmount();
    expect(bridge.listening()).toBe(0);
  });

  it('shows why it failed, and Retry asks main to start it again', async () => {
    const bridge = standInBridge({ state: 'failed', error: 'EADDRINUSE 127.0.0.1:6443' });
    const banner = mount(ControlPlaneBanner);
    await flushPromises();
    expect(banner.text()).toContain('The control plane cannot start: EADDRINUSE 127.0.0.1:6443');
    const retry = banner.find('[data-testid="control-plane-retry"]');
    await retry.trigger('click');
    expect(bridge.retries).toBe(1);
    // No second click while that retry is under way.
    expect((retry.element as HTMLButtonElement).disabled).toBe(true);

    bridge.push({ state: 'starting', attempt: 1 });
    await flushPromises();
    expect(banner.text()).toBe('Starting the control plane…');
  });
});
