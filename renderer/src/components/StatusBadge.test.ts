// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import StatusBadge from './StatusBadge.vue';

describe('StatusBadge', () => {
  it('colours a status by how healthy it is', () => {
    expect(mount(StatusBadge, { props: { status: 'Running' } }).classes()).toContain('tone-ok');
    expect(mount(StatusBadge, { props: { status: 'ImagePullBackOff' } }).classes()).toContain('tone-bad');
    expect(mount(StatusBadge, { props: { status: 'Pending' } }).text()).toBe('Pending');
  });
});
