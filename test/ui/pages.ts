// Page objects for the UI's end-to-end tests.
import type { Page } from 'playwright-core';
import { gotoRetry } from './ui-fixture.ts';

export class YamlEditorPage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await gotoRetry(this.page, `${baseUrl}/ui/yaml`);
    await this.page.locator('.cm-content').waitFor();
  }

  /** Replaces the editor's text, as a paste would. */
  async setText(text: string): Promise<void> {
    await this.page.locator('.cm-content').click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(text);
  }

  apply = () => this.page.getByTestId('apply').click();
  validate = () => this.page.getByTestId('validate').click();
  errors = () => this.page.getByTestId('yaml-error');
  ok = () => this.page.getByTestId('yaml-ok');
}

export class WorkloadsPage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await gotoRetry(this.page, `${baseUrl}/ui/workloads/deployments`);
  }

  row = (name: string) => this.page.locator(`tr[data-workload="${name}"]`);

  async scale(name: string, replicas: number): Promise<void> {
    await this.row(name).getByTestId('replicas').fill(String(replicas));
    await this.row(name).getByTestId('scale').click();
  }
}

/** The terminal dock at the bottom of every screen. */
export class TerminalDockPage {
  constructor(private readonly page: Page) {}

  dock = () => this.page.getByTestId('terminal-dock');
  tabs = () => this.page.getByTestId('dock-tab');
  tab = (title: string) => this.page.locator(`[data-testid="dock-tab"][data-tab="${title}"]`);
  /** The panel of a tab (shown or hidden); its xterm rows hold what the terminal shows. */
  panel = (title: string) => this.page.locator(`[data-testid="dock-panel"][data-tab="${title}"]`);
  screen = (title: string) => this.panel(title).locator('.xterm-rows');
  text = async (title: string) => (await this.screen(title).textContent()) ?? '';

  /** The "+" menu's "New local terminal". */
  async newLocal(): Promise<void> {
    await this.page.getByTestId('dock-new').click();
    await this.page.getByTestId('dock-new-local').click();
  }

  /** Clicks into a tab's terminal and types a line into it. */
  async run(title: string, line: string): Promise<void> {
    await this.panel(title).getByTestId('terminal').click();
    await this.page.keyboard.type(`${line}\n`);
  }
}
