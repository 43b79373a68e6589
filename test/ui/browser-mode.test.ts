// The UI in browser mode, end to end: `flotilla serve` with simulated nodes, headless Chromium.
// A user opens the login link, sees the nodes, applies a Deployment from the YAML editor, sees
// its pods, scales it, and gets a broken YAML's error at its line. Screenshots go to
// test/ui/screenshots/.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../helpers/server.ts';
import { YamlEditorPage, WorkloadsPage } from './pages.ts';
import { chromiumPath, gotoRetry, startUiCluster, type UiCluster } from './ui-fixture.ts';

// Every step waits for what a user would see; on a busy shared machine that can take a while.
vi.setConfig({ testTimeout: 180_000 });

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

describe.skipIf(!existsSync(chromiumPath))('UI in browser mode', () => {
  let ui: UiCluster;
  let page: Page;

  beforeAll(async () => {
    ui = await startUiCluster({ nodes: 2 });
    ({ page } = await ui.newPage());
  }, 180_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('refuses the UI and the API without a session, and the login link opens one (once)', async () => {
    const { context, page: stranger } = await ui.newPage();
    const denied = await gotoRetry(stranger, `${ui.url}/ui/`);
    expect(denied?.status()).toBe(401);
    expect(await stranger.textContent('body')).toContain('login link');
    const api = await stranger.request.get(`${ui.url}/api/v1/nodes`);
    expect(api.status()).toBe(401);
    await context.close();

    await gotoRetry(page, ui.loginUrl);
    await page.waitForURL(`${ui.url}/ui/`);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name.startsWith('flotilla_session_'));
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    const csp = (await page.request.get(`${ui.url}/ui/`)).headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");

    // The link was used: a second browser cannot use it again.
    const second = await ui.newPage();
    const reused = await gotoRetry(second.page, ui.loginUrl);
    expect(reused?.status()).toBe(401);
    await second.context.close();
  });

  it('shows the nodes on the overview', async () => {
    await gotoRetry(page, `${ui.url}/ui/`);
    await expect.poll(() => page.getByTestId('node-card').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId('node-cards').textContent()).toContain('sim-');
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await ui.screenshot(page, 'overview');
    await gotoRetry(page, `${ui.url}/ui/nodes`);
    await page.getByTestId('nodes-table').waitFor();
    await ui.screenshot(page, 'nodes');
  });

  it('applies a Deployment pasted into the YAML editor and shows its pods', async () => {
    const editor = new YamlEditorPage(page);
    await editor.open(ui.url);
    await editor.setText(deployment);
    await editor.validate();
    await editor.ok().waitFor();
    expect((await ui.kubectl(['get', 'deployment', 'web'])).code).not.toBe(0); // dry run saved nothing
    await editor.apply();
    await editor.ok().filter({ hasText: 'Applied 1' }).waitFor();
    await ui.screenshot(page, 'yaml-applied');

    await gotoRetry(page, `${ui.url}/ui/pods`);
    await expect
      .poll(() => page.locator('[data-testid="pod-row"][data-pod^="web-"]').count(), { timeout: 60_000 })
      .toBe(2);
    await page
      .locator('[data-testid="pod-row"][data-pod^="web-"]')
      .first()
      .getByText('Running')
      .waitFor({ timeout: 60_000 });
    await ui.screenshot(page, 'pods');
    await page.locator('[data-testid="pod-row"][data-pod^="web-"] a').first().click();
    await page.getByRole('heading', { name: 'Containers' }).waitFor();
    await ui.screenshot(page, 'pod-detail');
  });

  it('scales the Deployment from the workloads screen', async () => {
    await waitFor(async () => (await ui.kubectl(['get', 'deployment', 'web'])).code === 0, 30_000);
    const workloads = new WorkloadsPage(page);
    await workloads.open(ui.url);
    await workloads.row('web').waitFor();
    await workloads.scale('web', 3);
    await waitFor(
      async () =>
        (await ui.kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout === '3',
      30_000,
    );
    await workloads.row('web').getByTestId('ready').filter({ hasText: '3/3' }).waitFor({ timeout: 60_000 });
    await ui.screenshot(page, 'workloads-scaled');
  });

  it('shows a broken YAML error at its line, and a server field error at the field', async () => {
    const editor = new YamlEditorPage(page);
    await editor.open(ui.url);
    await editor.setText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  a: [1, 2\n');
    await editor.validate();
    await editor.errors().first().waitFor();
    expect(await editor.errors().first().textContent()).toMatch(/Line [67]:/);
    await expect.poll(() => page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
    await ui.screenshot(page, 'yaml-broken');

    // Valid YAML the server rejects: the 422 cause points at spec.replicas (line 6).
    await editor.setText(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: -1\n  selector:\n    matchLabels: {app: bad}\n  template:\n    metadata:\n      labels: {app: bad}\n    spec:\n      containers:\n        - name: c\n          image: busybox\n',
    );
    await editor.validate();
    await editor.errors().filter({ hasText: 'replicas' }).first().waitFor();
    expect(await editor.errors().count()).toBe(1);
    expect(await editor.errors().first().textContent()).toMatch(/Line 6:.*replicas/);
    await ui.screenshot(page, 'yaml-invalid-field');
  });

  it('Ctrl+K jumps to a pod by name; dark theme and Simplified Chinese', async () => {
    await gotoRetry(page, `${ui.url}/ui/`);
    await page.getByTestId('node-card').first().waitFor();
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('web-');
    await page.getByRole('option').filter({ hasText: 'Pod' }).first().waitFor();
    await ui.screenshot(page, 'palette');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ui\/pods\/default\/web-/);

    await page.getByTestId('theme-toggle').click();
    const theme = await page.evaluate(() => (globalThis as any).document.documentElement.dataset.theme);
    await page.getByTestId('locale').selectOption('zh-CN');
    await page.getByRole('heading', { name: '容器' }).waitFor();
    await ui.screenshot(page, `pod-detail-${theme}-zh`);
    await page.getByTestId('locale').selectOption('en');
  });
});
