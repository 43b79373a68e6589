// Whether this machine can run netns nodes at all, and if not, why (for a clear skip
// message in tests and a clear error in the app).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const TOOLS = [
  'ip',
  'nsenter',
  'unshare',
  'iptables',
  'containerd',
  'ctr',
  'runc',
  '/usr/sbin/sshd',
  '/usr/lib/cni/bridge',
];

export function netnsSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'netns nodes need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'netns nodes need root' };
  const missing = TOOLS.filter((tool) => !has(tool));
  if (missing.length > 0)
    return { ok: false, reason: `missing tools: ${missing.join(', ')} (see scripts/system-packages.mjs)` };
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
  } catch {
    return { ok: false, reason: 'cannot create network namespaces here (unshare --net failed)' };
  }
  return { ok: true };
}

function has(tool: string): boolean {
  if (tool.startsWith('/')) return existsSync(tool);
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
