// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { h, nextTick } from 'vue';
import VirtualList from './VirtualList.vue';

describe('VirtualList', () => {
  it('renders only the rows in view of 5,000, and the rows further down after a scroll', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => `pod-${i}`);
    const wrapper = mount(VirtualList, {
      props: { items, rowHeight: 30, height: '600px' },
      slots: { default: ({ item }: { item: unknown }) => h('span', { class: 'cell' }, String(item)) },
    });
    const rendered = wrapper.findAll('.cell');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(100);
    expect(rendered[0]!.text()).toBe('pod-0');
    const viewport = wrapper.get('[data-testid="virtual-list"]');
    (viewport.element as HTMLElement).scrollTop = 30 * 2500;
    await viewport.trigger('scroll');
    await nextTick();
    const texts = wrapper.findAll('.cell').map((c) => c.text());
    expect(texts).toContain('pod-2500');
    expect(texts).not.toContain('pod-0');
  });
});
