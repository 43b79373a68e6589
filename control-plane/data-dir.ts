// Where a headless control plane keeps its data when not told otherwise (DESIGN.md: one folder
// per cluster under $XDG_DATA_HOME/flotilla). A tiny module so the CLI can show the default
// without loading the control plane.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_DATA_HOME/flotilla/<cluster>`, with XDG's default `~/.local/share` when unset. */
export function defaultDataDir(cluster = 'default', env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'flotilla', cluster);
}
