// The built renderer (dist/renderer, made by `vite build`) served under /ui/. Paths that are not
// files fall back to index.html so the router's deep links (/ui/pods/default/web) load the app.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Hashed asset names never change: cache them; index.html must be revalidated. */
  immutable: boolean;
}

/** Where `npm run build:renderer` puts the renderer. */
export const defaultRendererDir = resolve(import.meta.dirname, '..', '..', 'dist', 'renderer');

export function rendererBuilt(dir: string = defaultRendererDir): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** The file for a path below /ui/ (already stripped of the prefix), or index.html. */
export function resolveStatic(dir: string, subPath: string): StaticFile | undefined {
  const root = resolve(dir);
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(subPath)).replace(/^([/\\])+/, '');
  } catch {
    return undefined;
  }
  const file = resolve(root, rel);
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  if (rel && existsSync(file) && statSync(file).isFile()) {
    return {
      body: readFileSync(file),
      contentType: types[extname(file)] ?? 'application/octet-stream',
      immutable: rel.startsWith('assets/'),
    };
  }
  // A missing asset is a 404, not the app page: scripts must not get HTML.
  if (rel.startsWith('assets/') || extname(rel) !== '') return undefined;
  const index = join(root, 'index.html');
  if (!existsSync(index)) return undefined;
  return { body: readFileSync(index), contentType: types['.html']!, immutable: false };
}
