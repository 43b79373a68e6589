import { describe, expect, it } from 'vitest';
import { setLocale, t } from './i18n.ts';

describe('i18n', () => {
  it('speaks English and Simplified Chinese, filling parameters', () => {
    setLocale('en');
    expect(t('confirm.delete', { name: 'web' })).toBe('Delete web?');
    setLocale('zh-CN');
    expect(t('confirm.delete', { name: 'web' })).toBe('删除 web？');
    expect(t('nav.nodes')).toBe('节点');
    setLocale('en');
  });
});
