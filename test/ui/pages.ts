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
