// Local shell terminal, end to end: a user opens "Local shell" from the sidebar and runs
// `kubectl get nodes` in it; KUBECONFIG already points at the shown control plane, so the
// simulated nodes are listed. The shell is a real pty (node-pty) behind the app API WebSocket.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromiumPath, gotoRetry, startUiCluster, type UiCluster } from './ui-fixture.ts';

vi.setConfig({ testTimeout: 180_000 });

describe.skipIf(!existsSync(chromiumPath) || process.platform === 'win32')('Local shell terminal', () => {
  let ui: UiCluster;

  beforeAll(async () => {
    ui = await startUiCluster({ nodes: 2 });
  }, 180_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('runs kubectl get nodes against the shown cluster', async () => {
    const { context, page } = await ui.newPage();
    try {
      await gotoRetry(page, ui.loginUrl);
      await page.waitForURL(`${ui.url}/ui/`);
      await page.getByRole('link', { name: 'Local shell' }).click();
      await page.waitForURL(`${ui.url}/ui/terminal`);
      const terminal = page.getByTestId('terminal');
      await terminal.locator('.xterm-rows').waitFor();
      const screen = () => terminal.locator('.xterm-rows').textContent();
      await terminal.click();
      // Arithmetic in the echo: the typed command echoes "$((6*7))", only the shell prints 42.
      await page.keyboard.type(`[ "$KUBECONFIG" = "${ui.kubeconfig}" ] && echo kubeconfig-is-set-$((6*7))\n`);
      await expect.poll(screen, { timeout: 60_000 }).toContain('kubeconfig-is-set-42');
      await page.keyboard.type('kubectl get nodes; echo listed-$((6*7))\n');
      await expect.poll(screen, { timeout: 60_000 }).toContain('listed-42');
      const text = (await screen()) ?? '';
      expect(text).toMatch(/NAME\s+STATUS/);
      expect(text).toMatch(/sim-\S+\s+Ready/);
      await ui.screenshot(page, 'local-shell-kubectl');
    } finally {
      await context.close();
    }
  });
});
