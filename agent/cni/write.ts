// Writes the pod network conflist into a runtime's CNI conf dir, atomically: containerd
// watches the directory and must never read a half-written file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFLIST_FILE, renderConflist, type PodNetworkOptions } from './conflist.ts';

export function writePodNetworkConfig(confDir: string, options: PodNetworkOptions): string {
  mkdirSync(confDir, { recursive: true });
  const file = join(confDir, CONFLIST_FILE);
  // containerd only loads *.conf, *.conflist and *.json, so the temp name is ignored.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, renderConflist(options));
  renameSync(tmp, file);
  return file;
}
