// Which node providers can work on this computer, for the wizard's provider choice: netns needs
// Linux and root; Multipass and VirtualBox need their CLI on PATH; an SSH host always can.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ProviderAvailability {
  name: 'netns' | 'multipass' | 'virtualbox' | 'ssh';
  available: boolean;
  /** Why not, and what to do about it. */
  reason?: string;
}

export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  return (env['PATH'] ?? '')
    .split(delimiter)
    .some((dir) => dir && exts.some((ext) => existsSync(join(dir, command + ext))));
}

export function detectProviders(env: NodeJS.ProcessEnv = process.env): ProviderAvailability[] {
  const linux = process.platform === 'linux';
  const root = process.getuid?.() === 0;
  return [
    linux && root
      ? { name: 'netns', available: true }
      : {
          name: 'netns',
          available: false,
          reason: linux ? 'needs root (network namespaces)' : 'Linux only: use Multipass or VirtualBox here',
        },
    onPath('multipass', env)
      ? { name: 'multipass', available: true }
      : { name: 'multipass', available: false, reason: 'install Multipass (multipass.run)' },
    onPath('VBoxManage', env)
      ? { name: 'virtualbox', available: true }
      : { name: 'virtualbox', available: false, reason: 'install VirtualBox (virtualbox.org)' },
    { name: 'ssh', available: true },
  ];
}
