// Provider name -> NodeProvider. netns lives here; the VM and SSH-host providers are loaded
// from their folders when they are there (PROVIDERS builds them), each exporting a class.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NetnsProvider } from '../provision/netns-provider.ts';
import { ProvisionError, type NodeProvider } from '../provision/provider.ts';
import { imageCacheDir } from './paths.ts';

const EXTERNAL: Record<string, { file: string; exportName: string }> = {
  multipass: { file: 'multipass/provider.ts', exportName: 'MultipassProvider' },
  virtualbox: { file: 'virtualbox/provider.ts', exportName: 'VirtualBoxProvider' },
  ssh: { file: 'ssh-host/provider.ts', exportName: 'SshHostProvider' },
};

export interface ProviderSettings {
  /** Image archives every new netns node imports (tests preload theirs); FLOTILLA_NETNS_IMAGES too. */
  netnsImages?: string[];
}

export async function providerFor(name: string, settings: ProviderSettings = {}): Promise<NodeProvider> {
  if (name === 'netns') {
    const fromEnv = (process.env['FLOTILLA_NETNS_IMAGES'] ?? '').split(':').filter(Boolean);
    return new NetnsProvider({
      imageCacheDir: imageCacheDir(),
      images: [...fromEnv, ...(settings.netnsImages ?? [])],
    });
  }
  const external = EXTERNAL[name];
  if (!external) {
    throw new ProvisionError(
      'create node',
      `unknown provider ${JSON.stringify(name)}`,
      'use netns, multipass, virtualbox or ssh',
    );
  }
  const file = join(import.meta.dirname, '..', 'provision', external.file);
  const Provider = existsSync(file)
    ? ((await import(file)) as Record<string, new () => NodeProvider>)[external.exportName]
    : undefined;
  if (!Provider) {
    throw new ProvisionError(
      'create node',
      `the ${name} provider is not available in this build yet`,
      'use --provider netns',
    );
  }
  return new Provider();
}
