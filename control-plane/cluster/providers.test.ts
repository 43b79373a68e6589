// Every provider name loads its provider, from the sources here as from a bundle (the desktop
// app's main, whose build test checks they are in it).
import { describe, expect, it } from 'vitest';
import { providerFor } from './providers.ts';

describe('providerFor', () => {
  it('loads each provider by its name, and names the choices for an unknown one', async () => {
    for (const name of ['netns', 'multipass', 'virtualbox', 'ssh'])
      expect((await providerFor(name)).name).toBe(name);
    await expect(providerFor('docker')).rejects.toThrow(/unknown provider "docker"/);
  });
});
