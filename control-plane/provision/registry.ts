// Provider name -> NodeProvider: one literal registry, so the CLI, the app and the cluster
// lifecycle all get the same providers, and `detectAll` tells the user which ones can run here.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MultipassProvider, type MultipassProviderOptions } from './multipass/provider.ts';
import { NetnsProvider, type NetnsProviderOptions } from './netns-provider.ts';
import { ProvisionError, type NodeProvider, type ProviderDetection, type ProviderName } from './provider.ts';
import { SshHostProvider, type SshHostProviderOptions } from './ssh-host/provider.ts';
import { VirtualBoxProvider, type VirtualBoxProviderOptions } from './virtualbox/provider.ts';

export interface ProviderOptions {
  netns?: NetnsProviderOptions;
  multipass?: MultipassProviderOptions;
  virtualbox?: VirtualBoxProviderOptions;
  ssh?: SshHostProviderOptions;
}

// The netns provider's image cache when the caller names none: `<data root>/images`.
function defaultImageCacheDir(): string {
  const root =
    process.env.FLOTILLA_HOME ||
    join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'flotilla');
  return join(root, 'images');
}

export const providers: { [K in ProviderName]: (options: ProviderOptions) => NodeProvider } = {
  netns: (o) => new NetnsProvider(o.netns ?? { imageCacheDir: defaultImageCacheDir() }),
  multipass: (o) => new MultipassProvider(o.multipass),
  virtualbox: (o) => new VirtualBoxProvider(o.virtualbox),
  ssh: (o) => new SshHostProvider(o.ssh),
};

export const PROVIDER_NAMES = Object.keys(providers) as ProviderName[];

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(providers, name);
}

export function providerFor(name: string, options: ProviderOptions = {}): NodeProvider {
  if (!isProviderName(name))
    throw new ProvisionError(
      'create node',
      `unknown provider ${JSON.stringify(name)}`,
      `Use one of: ${PROVIDER_NAMES.join(', ')}.`,
    );
  return providers[name](options);
}

/** Whether each provider can run on this computer (checked in parallel). */
export async function detectAll(
  options: ProviderOptions = {},
): Promise<Record<ProviderName, ProviderDetection>> {
  const entries = await Promise.all(
    PROVIDER_NAMES.map(async (name): Promise<[ProviderName, ProviderDetection]> => {
      try {
        return [name, await providers[name](options).detect()];
      } catch (error) {
        return [
          name,
          { available: false, reason: `could not check: ${(error as Error).message}`, hint: 'Try again.' },
        ];
      }
    }),
  );
  return Object.fromEntries(entries) as Record<ProviderName, ProviderDetection>;
}
