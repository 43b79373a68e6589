// Dark and light themes: CSS variables switched by data-theme on <html>, following the system
// until the user picks one.
import { ref } from 'vue';

export type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem('flotilla.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const theme = ref<Theme>(initialTheme());

export function applyTheme(t: Theme = theme.value): void {
  theme.value = t;
  if (globalThis.document) document.documentElement.dataset['theme'] = t;
}

export function toggleTheme(): void {
  const next: Theme = theme.value === 'dark' ? 'light' : 'dark';
  globalThis.localStorage?.setItem('flotilla.theme', next);
  applyTheme(next);
}
