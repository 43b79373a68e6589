// The renderer built for browser mode: `flotilla serve` serves dist/renderer at /ui/.
// (electron.vite.config.ts builds the same sources for the desktop app.)
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  plugins: [vue()],
  build: {
    outDir: resolve(import.meta.dirname, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
