import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvisionError } from './provider.ts';
import { detectAll, providerFor, PROVIDER_NAMES } from './registry.ts';

const fakes = resolve(import.meta.dirname, '../../test/fakes');

describe('provider registry', () => {
  it('has one provider per name, and refuses unknown names with the list', () => {
    expect(PROVIDER_NAMES).toEqual(['netns', 'multipass', 'virtualbox', 'ssh']);
    for (const name of PROVIDER_NAMES) expect(providerFor(name).name).toBe(name);
    const error = (() => {
      try {
        providerFor('docker');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).hint).toMatch(/netns, multipass, virtualbox, ssh/);
  });

  it('detects every provider at once, with a reason and hint for those that cannot run', async () => {
    const found = await detectAll({
      multipass: { command: '/nonexistent/multipass' },
      virtualbox: { command: join(fakes, 'VBoxManage') },
    });
    expect(Object.keys(found)).toEqual(PROVIDER_NAMES);
    expect(found.multipass).toMatchObject({ available: false, hint: expect.stringMatching(/multipass/i) });
    expect(found.virtualbox).toEqual({ available: true, version: '7.0.14' });
    expect(found.ssh).toEqual({ available: true });
  });
});
