// The desktop app's build: main (and the control plane's utility process), the preload, and the
// renderer (the same sources as browser mode, loaded from app://flotilla).
import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * Files the bundled code reads beside itself (`new URL('./pause.c', import.meta.url)`, left as
 * is in a Node build) are copied next to each chunk that reads them: the netns provider builds
 * its pause image from resources/images/ in cluster supervisors, which run from this bundle.
 */
function filesBesideChunks(sources: Record<string, string>): Plugin {
  return {
    name: 'flotilla-files-beside-chunks',
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const [file, source] of Object.entries(sources))
          if (chunk.code.includes(`new URL("./${file}", import.meta.url)`))
            copyFileSync(source, join(options.dir!, dirname(chunk.fileName), file));
      }
    },
  };
}

export default defineConfig({
  main: {
    plugins: [
      externalizeDepsPlugin(),
      filesBesideChunks({
        'pause.c': resolve(import.meta.dirname, 'resources/images/pause.c'),
        'recipes.ts': resolve(import.meta.dirname, 'resources/images/recipes.ts'),
      }),
    ],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          'control-plane-process': resolve(import.meta.dirname, 'electron/main/control-plane-process.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    base: './',
    plugins: [vue()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
