// The "Create cluster" wizard end to end: a 2-node netns cluster created from the browser UI
// (app API -> control-plane/cluster), its progress shown per node and step until both nodes are
// Ready. The cluster lives in a private FLOTILLA_HOME and is deleted afterwards.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleTestHomes, testHome, type TestHome } from '../cluster/cluster-cli.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { BUSYBOX_IMAGE, testImageArchives } from '../helpers/images.ts';
import { kubectl } from '../helpers/server.ts';
import { TerminalDockPage, YamlEditorPage } from './pages.ts';
import { chromiumPath, gotoRetry, startUiCluster, type UiCluster } from './ui-fixture.ts';

const LONG = 600_000;

describe.skipIf(!existsSync(chromiumPath) || netnsSkipReason() !== undefined)('Create cluster wizard', () => {
  let ui: UiCluster;
  let page: Page;
  let t: TestHome;

  beforeAll(async () => {
    await removeStaleTestHomes();
    t = testHome();
    ui = await startUiCluster({ env: { FLOTILLA_HOME: t.home } });
    ({ page } = await ui.newPage());
    await gotoRetry(page, ui.loginUrl);
    await page.waitForURL(`${ui.url}/ui/`);
  }, LONG);

  afterAll(async () => {
    await t?.cleanup();
    await ui?.close();
  }, LONG);

  it('offers the providers this computer has, and shows the config as YAML', async () => {
    await gotoRetry(page, `${ui.url}/ui/create`);
    const netns = page.locator('[data-testid="cluster-provider"] option[value="netns"]');
    await expect.poll(() => netns.isDisabled()).toBe(false);
    await page.getByTestId('cluster-name').fill(t.cluster);
    await page.locator('summary', { hasText: 'Cluster config as YAML' }).click();
    const yaml = page.getByTestId('cluster-yaml');
    expect(await yaml.inputValue()).toContain(`name: ${t.cluster}`);
    // The YAML is editable: what is typed there goes back into the form.
    await yaml.fill((await yaml.inputValue()).replace(/nodes: \d+/, 'nodes: 3'));
    await yaml.press('Tab'); // leaving the field commits the edit (change)
    await expect.poll(() => page.getByTestId('cluster-nodes').inputValue()).toBe('3');
  });

  it(
    'creates a 2-node netns cluster and shows both nodes turn Ready',
    async () => {
      await page.getByTestId('cluster-nodes').fill('2');
      await page.getByTestId('create-cluster').click();
      await page.getByTestId('progress').waitFor({ timeout: 60_000 });
      await ui.screenshot(page, 'create-cluster-progress');
      // Done or failed, whichever comes first: a failure fails the test at once, saying why.
      const done = page.getByTestId('wizard-done');
      await done
        .or(page.getByRole('alert'))
        .first()
        .waitFor({ timeout: LONG - 60_000 });
      const rows = await page.locator('[data-testid="progress"] tbody tr').allTextContents();
      const alerts = await page.getByRole('alert').allTextContents();
      const log = join(t.home, 'logs', `${t.cluster}-create.log`); // kept by a failed create
      const logTail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-40) : [];
      expect(await done.isVisible(), [...alerts, ...rows, ...logTail].join('\n')).toBe(true);
      for (const node of ['node-1', 'node-2']) {
        const row = rows.find((r) => r.includes(node));
        expect(row, rows.join('\n')).toBeDefined();
        expect(row!.match(/done/g)?.length).toBe(5);
      }
      await ui.screenshot(page, 'create-cluster-ready');
      const nodes = await kubectl(['get', 'nodes', '-o', 'name'], { kubeconfig: t.kubeconfig });
      expect(nodes.stdout.trim().split('\n').sort()).toEqual(['node/node-1', 'node/node-2']);
    },
    LONG,
  );

  it(
    'opens the new cluster: its nodes, a Deployment applied from the YAML editor, its pod logs',
    async () => {
      const loaded = await t.flotilla(['image', 'load', testImageArchives().busybox, '--cluster', t.cluster]);
      expect(loaded.code, loaded.stderr).toBe(0);
      await page.getByTestId('open-cluster').click();
      await page.waitForLoadState();
      await gotoRetry(page, `${ui.url}/ui/`);
      expect(await page.getByTestId('cluster-switch').inputValue()).toBe(t.cluster);
      await expect.poll(() => page.getByTestId('node-card').count(), { timeout: 60_000 }).toBe(2);
      await page.getByTestId('node-cards').getByText('Ready').first().waitFor();
      await ui.screenshot(page, 'created-cluster-overview');
      const href = await page.getByTestId('kubeconfig-download').getAttribute('href');
      const download = await page.request.get(`${ui.url}${href}`);
      expect(download.headers()['content-disposition']).toContain(`${t.cluster}.kubeconfig`);
      expect(await download.text()).toContain('current-context');

      const editor = new YamlEditorPage(page);
      await editor.open(ui.url);
      await editor.setText(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: { app: hello }
  template:
    metadata:
      labels: { app: hello }
    spec:
      containers:
        - name: hello
          image: ${BUSYBOX_IMAGE}
          imagePullPolicy: Never
          command: ['sh', '-c', 'echo hello from flotilla; while true; do sleep 2; echo tick; done']
`);
      await editor.apply();
      await editor.ok().filter({ hasText: 'Applied 1' }).waitFor();
      await gotoRetry(page, `${ui.url}/ui/pods`);
      const row = page.locator('[data-testid="pod-row"][data-pod^="hello-"]');
      await row.getByText('Running').waitFor({ timeout: LONG - 120_000 });
      await row.locator('a').click();
      await page.getByTestId('logs').filter({ hasText: 'hello from flotilla' }).waitFor({ timeout: 60_000 });
      // Follow: new lines keep arriving.
      const before = ((await page.getByTestId('logs').textContent()) ?? '').split('tick').length;
      await expect
        .poll(async () => ((await page.getByTestId('logs').textContent()) ?? '').split('tick').length, {
          timeout: 30_000,
        })
        .toBeGreaterThan(before);
      await ui.screenshot(page, 'created-cluster-pod-logs');

      // A terminal in the container (exec over WebSocket, through the app API to the cluster),
      // opened as a tab in the terminal dock.
      const dock = new TerminalDockPage(page);
      await page.getByTestId('exec-open').click();
      const exec = page.locator('[data-testid="dock-panel"][data-tab^="exec: default/hello-"]');
      await exec.locator('.xterm-rows').waitFor({ timeout: 30_000 });
      await expect.poll(() => exec.locator('.xterm-rows').textContent(), { timeout: 30_000 }).toMatch(/[#$]/);
      await exec.getByTestId('terminal').click();
      await page.keyboard.type('echo hi $((40+2))\n');
      await expect
        .poll(() => exec.locator('.xterm-rows').textContent(), { timeout: 30_000 })
        .toContain('hi 42');
      await ui.screenshot(page, 'created-cluster-exec');

      // A shell on a node (SSH with the cluster's key, through the app API): a second dock tab,
      // opened from the Nodes screen while the exec tab keeps its session.
      await page.getByRole('link', { name: 'Nodes' }).click();
      await page.locator('tr[data-node="node-2"]').getByTestId('node-terminal').click();
      const node = 'node: node-2';
      await dock.screen(node).waitFor({ timeout: 30_000 });
      await expect.poll(() => dock.text(node), { timeout: 30_000 }).toMatch(/[#$]/);
      await dock.run(node, 'echo node-$(hostname)-$((6*7))');
      await expect.poll(() => dock.text(node), { timeout: 30_000 }).toContain('node-node-2-42');
      expect(await exec.isVisible()).toBe(false);
      // Back to the exec tab: its output is still there and its session still answers.
      await page.locator('[data-testid="dock-tab"][data-tab^="exec: default/hello-"]').click();
      await expect.poll(() => exec.isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await exec.locator('.xterm-rows').textContent()).toContain('hi 42');
      await exec.getByTestId('terminal').click();
      await page.keyboard.type('echo back $((40+3))\n');
      await expect
        .poll(() => exec.locator('.xterm-rows').textContent(), { timeout: 30_000 })
        .toContain('back 43');
      await dock.tab(node).click();
      await ui.screenshot(page, 'created-cluster-node-shell');

      // The dock's "+" menu offers a shell on each node; closing its tab ends that session only.
      await page.getByTestId('dock-new').click();
      await page.locator('[data-testid="dock-new-node"][data-node="node-1"]').click();
      const other = 'node: node-1';
      await expect.poll(() => dock.text(other), { timeout: 30_000 }).toMatch(/[#$]/);
      await dock.run(other, 'echo on-$(hostname)');
      await expect.poll(() => dock.text(other), { timeout: 30_000 }).toContain('on-node-1');
      await dock.tab(other).getByTestId('dock-tab-close').click();
      await expect.poll(() => dock.tabs().count(), { timeout: 30_000 }).toBe(2);
      expect(await dock.tab(node).getAttribute('data-state')).toBe('connected');
    },
    LONG,
  );
});
