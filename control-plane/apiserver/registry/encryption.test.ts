import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureEncryptionAtRest } from '../../encryption/index.ts';
import { backendCases, configMap, ctx, openHarness, recordWatch, type Harness } from './testing/harness.ts';

describe.each(backendCases)('encryption at rest ($name)', (bc) => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-registry-enc-'));
    h = await openHarness(bc, { transformers: ensureEncryptionAtRest(dir).transformers });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores Secrets encrypted and serves them decrypted; other resources stay plain', async () => {
    const secrets = h.r('/v1/secrets');
    const w = await recordWatch(secrets, 'default', {});
    await secrets.create(ctx(), 'default', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { password: Buffer.from('hunter2').toString('base64') },
    });
    await h.r('/v1/configmaps').create(ctx(), 'default', configMap('plain', { a: 'visible' }));

    const raw = (key: string) => h.backend.get(key).then((r) => Buffer.from(r.kv!.value).toString('latin1'));
    const stored = await raw('/registry/core/secrets/default/db');
    expect(stored.startsWith('k8s:enc:aesgcm:v1:')).toBe(true);
    expect(stored).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect(JSON.parse(await raw('/registry/core/configmaps/default/plain')).data).toEqual({ a: 'visible' });

    const got = await secrets.get(ctx(), 'default', 'db');
    expect(Buffer.from(got.data.password, 'base64').toString()).toBe('hunter2');
    expect((await secrets.list(ctx(), 'default', {})).items[0].data).toEqual(got.data);
    await w.until('ADDED db', () => w.events.length === 1);
    expect(w.events[0]!.object.data).toEqual(got.data);
    w.close();
  });
});
