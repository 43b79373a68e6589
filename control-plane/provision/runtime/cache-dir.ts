// Where downloaded runtimes are kept: FLOTILLA_RUNTIME_CACHE (tests point it at .flotilla-test/),
// else the OS's per-user cache folder. A cache, not data: deleting it costs one download.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function runtimeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['FLOTILLA_RUNTIME_CACHE']) return env['FLOTILLA_RUNTIME_CACHE'];
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'flotilla', 'runtime');
  if (process.platform === 'win32')
    return join(env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'), 'flotilla', 'Cache', 'runtime');
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'flotilla', 'runtime');
}

/** The npm registry the runtime comes from: the user's npm setting when run via npm, else npmjs. */
export function npmRegistry(env: NodeJS.ProcessEnv = process.env): string {
  const url = env['FLOTILLA_NPM_REGISTRY'] || env['npm_config_registry'] || 'https://registry.npmjs.org/';
  return url.endsWith('/') ? url : `${url}/`;
}
