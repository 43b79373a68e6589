// Diagnostics screen, end to end: from the sidebar a user opens Diagnostics and sees every host
// check of `flotilla doctor` with its status and, for warnings, what to do.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromiumPath, gotoRetry, startUiCluster, type UiCluster } from './ui-fixture.ts';

vi.setConfig({ testTimeout: 180_000 });

describe.skipIf(!existsSync(chromiumPath))('Diagnostics screen', () => {
  let ui: UiCluster;

  beforeAll(async () => {
    ui = await startUiCluster();
  }, 180_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('is reachable from the sidebar and lists the host checks with their status', async () => {
    const { context, page } = await ui.newPage();
    try {
      await gotoRetry(page, ui.loginUrl);
      await page.waitForURL(`${ui.url}/ui/`);
      await page.getByRole('link', { name: 'Diagnostics' }).click();
      await page.waitForURL(`${ui.url}/ui/diagnostics`);
      const table = page.getByTestId('doctor-table');
      await table.waitFor({ timeout: 120_000 });
      for (const id of ['virtualization', 'disk', 'memory', 'routes', 'port-6443', 'providers', 'root']) {
        const status = await page.locator(`[data-check="${id}"]`).getAttribute('data-status');
        expect(['ok', 'warn', 'fail']).toContain(status);
      }
      expect(await page.locator('[data-check="providers"]').textContent()).toContain('available:');
      expect(await page.getByTestId('doctor-summary').textContent()).toMatch(
        /\d+ ok, \d+ warnings, \d+ failed/,
      );
      await ui.screenshot(page, 'diagnostics');
      await page.getByTestId('doctor-rerun').click();
      await page.getByTestId('doctor-rerun').and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
      await table.waitFor();
    } finally {
      await context.close();
    }
  });
});
