// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { logFileName, searchLog, stepMatch } from '../log-search.ts';
import LogViewer from './LogViewer.vue';

const text = 'GET /healthz 200\nGET /api 500 error\nPOST /api 200\nERROR: disk full\n';

describe('log search', () => {
  it('cuts the text into plain and matching pieces, case-insensitively, losing nothing', () => {
    const { segments, matches } = searchLog(text, 'error');
    expect(matches).toBe(2);
    expect(segments.filter((s) => s.match !== undefined).map((s) => s.text)).toEqual(['error', 'ERROR']);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(searchLog(text, '')).toEqual({ segments: [{ text }], matches: 0 });
  });

  it('steps through matches and wraps around', () => {
    expect(stepMatch(0, 1, 3)).toBe(1);
    expect(stepMatch(2, 1, 3)).toBe(0);
    expect(stepMatch(0, -1, 3)).toBe(2);
    expect(stepMatch(0, 1, 0)).toBe(0);
    expect(logFileName('default', 'web-1', 'nginx')).toBe('default_web-1_nginx.log');
  });
});

describe('LogViewer', () => {
  it('highlights every match, marks the current one, and moves with next/previous and Enter', async () => {
    const wrapper = mount(LogViewer, { props: { text, fileName: 'x.log' } });
    expect(wrapper.find('[data-testid="logs"]').text()).toBe(text.trim());
    await wrapper.find('[data-testid="logs-search"]').setValue('api');
    expect(wrapper.findAll('mark').map((m) => m.text())).toEqual(['api', 'api']);
    expect(wrapper.find('[data-testid="logs"]').element.textContent).toBe(text);
    expect(wrapper.find('[data-testid="logs-match-count"]').text()).toBe('1 of 2');
    expect(wrapper.find('mark.current').attributes('data-match')).toBe('0');
    await wrapper.find('[data-testid="logs-next"]').trigger('click');
    expect(wrapper.find('mark.current').attributes('data-match')).toBe('1');
    await wrapper.find('[data-testid="logs-search"]').trigger('keydown', { key: 'Enter' });
    expect(wrapper.find('mark.current').attributes('data-match')).toBe('0');
    await wrapper.find('[data-testid="logs-previous"]').trigger('click');
    expect(wrapper.find('[data-testid="logs-match-count"]').text()).toBe('2 of 2');
    await wrapper.find('[data-testid="logs-search"]').setValue('nothing like this');
    expect(wrapper.find('[data-testid="logs-match-count"]').text()).toBe('no matches');
    expect(wrapper.find('[data-testid="logs-next"]').attributes('disabled')).toBeDefined();
  });

  it('downloads the logs received so far as a file named for the container', async () => {
    const wrapper = mount(LogViewer, {
      props: { text, fileName: 'default_web-1_nginx.log' },
      attachTo: document.body,
    });
    const clicked: { name: string; href: string }[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ name: this.download, href: this.href });
    };
    try {
      await wrapper.find('[data-testid="logs-download"]').trigger('click');
    } finally {
      HTMLAnchorElement.prototype.click = original;
      wrapper.unmount();
    }
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.name).toBe('default_web-1_nginx.log');
    expect(clicked[0]!.href).toMatch(/^blob:/);
  });
});
