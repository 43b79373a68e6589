// Provider name -> NodeProvider. netns lives here; the VM and SSH-host providers are loaded
// from their folders on first use, each exporting a class. The imports are literal so a bundle
// (the desktop app's main, electron-vite) carries them: it has no provision/ folder beside it.
import { NetnsProvider } from '../provision/netns-provider.ts';
import { ProvisionError, type NodeProvider } from '../provision/provider.ts';
import { imageCacheDir } from './paths.ts';

type ProviderModule = Record<string, (new () => NodeProvider) | undefined>;
const EXTERNAL: Record<string, { load: () => Promise<unknown>; exportName: string }> = {
  multipass: { load: () => import('../provision/multipass/provider.ts'), exportName: 'MultipassProvider' },
  virtualbox: { load: () => import('../provision/virtualbox/provider.ts'), exportName: 'VirtualBoxProvider' },
  ssh: { load: () => import('../provision/ssh-host/provider.ts'), exportName: 'SshHostProvider' },
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
  const Provider = ((await external.load()) as ProviderModule)[external.exportName];
  if (!Provider) {
    throw new ProvisionError(
      'create node',
      `the ${name} provider is not available in this build yet`,
      'use --provider netns',
    );
  }
  return new Provider();
}
