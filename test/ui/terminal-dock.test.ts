// The terminal dock and the YAML editor's schema hints, end to end in headless Chromium against
// `flotilla serve` with a simulated node. Local shells are real ptys (node-pty behind the app
// API), the cheapest real sessions here; node shells and exec need a real cluster and are
// driven through the dock in create-cluster.test.ts. Screenshots go to test/ui/screenshots/.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TerminalDockPage, YamlEditorPage } from './pages.ts';
import { chromiumPath, gotoRetry, startUiCluster, type UiCluster } from './ui-fixture.ts';

vi.setConfig({ testTimeout: 240_000 });

const STEP = 60_000;

/** The page's clipboard (the browser's, run in the page: this file is type-checked without DOM types). */
interface PageClipboard {
  navigator: { clipboard: { writeText(text: string): Promise<void>; readText(): Promise<string> } };
}

describe.skipIf(!existsSync(chromiumPath) || process.platform === 'win32')('Terminal dock', () => {
  let ui: UiCluster;
  let page: Page;

  beforeAll(async () => {
    ui = await startUiCluster({ nodes: 1 });
    ({ page } = await ui.newPage());
    await gotoRetry(page, ui.loginUrl);
    await page.waitForURL(`${ui.url}/ui/`);
  }, 180_000);

  afterAll(async () => {
    await ui?.close();
  });

  it('keeps tabs and their sessions across tab switches and screens; closes, reconnects, resizes', async () => {
    const dock = new TerminalDockPage(page);
    const first = 'local: KUBECONFIG=this control plane';
    // Ctrl+` with no terminal yet opens a local shell in the dock.
    await page.locator('body').click();
    await page.keyboard.press('Control+Backquote');
    await dock.dock().waitFor({ timeout: STEP });
    await dock.screen(first).waitFor({ timeout: STEP });
    await expect.poll(() => dock.tab(first).getAttribute('data-state'), { timeout: STEP }).toBe('connected');
    // Arithmetic in the echo: the typed command echoes "$((6*7))", only the shell prints 42.
    await dock.run(first, 'echo one-$((6*7)) $(hostname)');
    await expect.poll(() => dock.text(first), { timeout: STEP }).toContain('one-42');

    // A second local shell from the "+" menu: same title, so address the tabs by position.
    await dock.newLocal();
    await expect.poll(() => dock.tabs().count(), { timeout: STEP }).toBe(2);
    const panels = page.getByTestId('dock-panel');
    const second = panels.nth(1);
    await second.locator('.xterm-rows').waitFor({ timeout: STEP });
    expect(await panels.nth(0).isVisible()).toBe(false);
    await expect
      .poll(() => dock.tabs().nth(1).getAttribute('data-state'), { timeout: STEP })
      .toBe('connected');
    await second.getByTestId('terminal').click();
    await page.keyboard.type('echo two-$((6*7))\n');
    await expect
      .poll(() => second.locator('.xterm-rows').textContent(), { timeout: STEP })
      .toContain('two-42');
    await ui.screenshot(page, 'dock-two-tabs');

    // Back to the first tab: its output is still there (the terminal was kept, not re-created).
    await dock.tabs().nth(0).click();
    await expect.poll(() => panels.nth(0).isVisible(), { timeout: STEP }).toBe(true);
    expect(await second.isVisible()).toBe(false);
    expect(await panels.nth(0).locator('.xterm-rows').textContent()).toContain('one-42');
    expect(await panels.nth(0).locator('.xterm-rows').textContent()).not.toContain('two-42');

    // Another screen: the dock and both sessions stay.
    await page.getByRole('link', { name: 'Nodes' }).click();
    await page.waitForURL(`${ui.url}/ui/nodes`);
    await page.getByTestId('nodes-table').waitFor({ timeout: STEP });
    expect(await dock.tabs().count()).toBe(2);
    await panels.nth(0).getByTestId('terminal').click();
    await page.keyboard.type('echo still-$((6*7))\n');
    await expect
      .poll(() => panels.nth(0).locator('.xterm-rows').textContent(), { timeout: STEP })
      .toContain('still-42');
    await ui.screenshot(page, 'dock-on-nodes');

    // The session ends: the tab says so and offers a reconnect, which is a new session.
    await page.keyboard.type('exit\n');
    await expect.poll(() => dock.tabs().nth(0).getAttribute('data-state'), { timeout: STEP }).toBe('closed');
    await panels.nth(0).getByTestId('dock-ended').waitFor({ timeout: STEP });
    await panels.nth(0).getByTestId('dock-reconnect').click();
    await expect
      .poll(() => dock.tabs().nth(0).getAttribute('data-state'), { timeout: STEP })
      .toBe('connected');
    expect(await dock.tabs().nth(0).getByTestId('dock-tab-session').textContent()).toContain('session 2');
    await panels.nth(0).getByTestId('terminal').click();
    await page.keyboard.type('echo again-$((6*7))\n');
    await expect
      .poll(() => panels.nth(0).locator('.xterm-rows').textContent(), { timeout: STEP })
      .toContain('again-42');
    const text = (await panels.nth(0).locator('.xterm-rows').textContent()) ?? '';
    expect(text).toContain('new session 2');
    expect(text).toContain('one-42'); // the old output stays above the new session
    await ui.screenshot(page, 'dock-reconnected');

    // Close the second tab.
    await dock.tabs().nth(1).getByTestId('dock-tab-close').click();
    await expect.poll(() => dock.tabs().count(), { timeout: STEP }).toBe(1);

    // Ctrl+` hides and shows the dock; the session survives.
    await page.keyboard.press('Control+Backquote');
    await expect.poll(() => dock.dock().isVisible(), { timeout: STEP }).toBe(false);
    await page.getByTestId('dock-restore').waitFor({ timeout: STEP });
    await page.keyboard.press('Control+Backquote');
    await expect.poll(() => dock.dock().isVisible(), { timeout: STEP }).toBe(true);
    expect(await dock.tabs().nth(0).getAttribute('data-state')).toBe('connected');

    // Drag the top edge up: the dock grows, and the height is remembered after a reload.
    const before = (await dock.dock().boundingBox())!.height;
    const handle = (await page.getByTestId('dock-resize').boundingBox())!;
    await page.mouse.move(handle.x + 200, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 200, handle.y - 100, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => (await dock.dock().boundingBox())!.height, { timeout: STEP })
      .toBeGreaterThan(before + 50);
    const resized = (await dock.dock().boundingBox())!.height;
    // Maximized, the dock takes the screen's place; restored, it has its height again.
    await page.getByTestId('dock-maximize').click();
    await expect.poll(() => page.locator('main.content').isVisible(), { timeout: STEP }).toBe(false);
    await ui.screenshot(page, 'dock-maximized');
    await page.getByTestId('dock-maximize').click();
    await expect.poll(() => page.locator('main.content').isVisible(), { timeout: STEP }).toBe(true);
    await page.reload();
    await page.getByRole('link', { name: 'Local shell' }).click();
    await dock.dock().waitFor({ timeout: STEP });
    expect(Math.abs((await dock.dock().boundingBox())!.height - resized)).toBeLessThan(3);
  });

  it('the command palette opens a local terminal and toggles the dock', async () => {
    const dock = new TerminalDockPage(page);
    await gotoRetry(page, `${ui.url}/ui/events`);
    await page.getByTestId('palette-open').click();
    await page.getByTestId('palette-input').fill('new local');
    await page.keyboard.press('Enter');
    await expect.poll(() => dock.tabs().count(), { timeout: STEP }).toBe(1);
    await expect
      .poll(() => dock.tabs().nth(0).getAttribute('data-state'), { timeout: STEP })
      .toBe('connected');
    await page.getByTestId('palette-open').click();
    await page.getByTestId('palette-input').fill('toggle term');
    await page.keyboard.press('Enter');
    await expect.poll(() => dock.dock().isVisible(), { timeout: STEP }).toBe(false);
  });

  it('copies the selection and pastes with Ctrl+Shift+V', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.url });
    await gotoRetry(page, `${ui.url}/ui/terminal`);
    const panel = page.getByTestId('dock-panel');
    await expect
      .poll(() => page.getByTestId('dock-tab').getAttribute('data-state'), { timeout: STEP })
      .toBe('connected');
    await expect.poll(() => panel.locator('.xterm-rows').textContent(), { timeout: STEP }).toMatch(/[#$]/);
    await page.evaluate(() =>
      (globalThis as unknown as PageClipboard).navigator.clipboard.writeText('echo pasted-$((6*7))'),
    );
    await panel.getByTestId('terminal').click();
    await page.keyboard.press('Control+Shift+V');
    // The paste reads the clipboard asynchronously: Enter pressed at once would arrive first.
    await expect
      .poll(() => panel.locator('.xterm-rows').textContent(), { timeout: STEP })
      .toContain('echo pasted-$((6*7))');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => panel.locator('.xterm-rows').textContent(), { timeout: STEP })
      .toContain('pasted-42');
    // Double-click selects a word in the output; the selection goes to the clipboard.
    const line = panel.locator('.xterm-rows > div').filter({ hasText: /^pasted-42/ });
    const box = (await line.boundingBox())!;
    await page.mouse.dblclick(box.x + 12, box.y + box.height / 2);
    await expect
      .poll(
        () => page.evaluate(() => (globalThis as unknown as PageClipboard).navigator.clipboard.readText()),
        { timeout: STEP },
      )
      .toBe('pasted-42');
  });

  it('the YAML editor offers field names from the cluster OpenAPI, with types and descriptions', async () => {
    const editor = new YamlEditorPage(page);
    await editor.open(ui.url);
    await editor.setText('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hints\nspec:\n  re');
    await page.keyboard.type('p');
    const completions = page.locator('.cm-tooltip-autocomplete');
    await completions.getByText('replicas', { exact: true }).waitFor({ timeout: STEP });
    // Each option carries its type.
    expect(
      await completions.locator('li', { hasText: 'replicas' }).locator('.cm-completionDetail').textContent(),
    ).toBe('integer');
    // The selected option's description shows beside the list.
    await page.locator('.cm-completionInfo').filter({ hasText: /pods/ }).waitFor({ timeout: STEP });
    await ui.screenshot(page, 'yaml-completion');
    await page.keyboard.press('Enter');
    await page.keyboard.type('3');
    await expect
      .poll(() => page.locator('.cm-content').textContent(), { timeout: STEP })
      .toContain('replicas: 3');

    // Hovering a field shows its description.
    await page.locator('.cm-line').filter({ hasText: 'replicas: 3' }).getByText('replicas').hover();
    await page
      .locator('.cm-tooltip-hover')
      .filter({ hasText: 'Desired number of pods' })
      .waitFor({ timeout: STEP });
    await ui.screenshot(page, 'yaml-hover');

    // A field the schema does not have is marked as a warning at its line before any dry-run.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText('replica: 2');
    await page.locator('.cm-gutter-lint .cm-lint-marker-warning').waitFor({ timeout: STEP });
    await page.locator('.cm-lint-marker-warning').hover();
    await page
      .locator('.cm-tooltip-lint')
      .filter({ hasText: 'unknown field "spec.replica" in Deployment' })
      .waitFor({ timeout: STEP });
    await ui.screenshot(page, 'yaml-unknown-field');
  });
});
