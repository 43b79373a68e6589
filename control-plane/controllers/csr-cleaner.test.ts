// The CSR cleaner against a real API server: settled requests go after their time, undecided
// ones stay until theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { createCertificateRequest } from '../pki/csr.ts';
import { CsrCleaner } from './csr-cleaner.ts';
import { CSR_API_VERSION, CSR_KIND, type CsrObj } from './csr-util.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('CSR cleaner', () => {
  let api: TestApi;
  let controllers: RunningControllers;

  beforeAll(async () => {
    api = await startTestApi();
    controllers = runControllers(
      api,
      (deps) =>
        new CsrCleaner({
          ...deps,
          approvedMs: 300,
          deniedMs: 300,
          pendingMs: 60 * 60_000,
        }),
    );
  }, 60_000);

  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  const csrs = () => api.client.resource<CsrObj>(CSR_API_VERSION, CSR_KIND);
  const exists = (name: string) =>
    csrs()
      .get(name)
      .then(
        () => true,
        () => false,
      );

  async function create(name: string, decision?: 'Approved' | 'Denied'): Promise<void> {
    const { csrPem } = await createCertificateRequest({ commonName: name });
    const created = await csrs().create({
      apiVersion: CSR_API_VERSION,
      kind: CSR_KIND,
      metadata: { name },
      spec: {
        request: Buffer.from(csrPem).toString('base64'),
        signerName: 'example.com/nobody',
        usages: ['client auth'],
      },
    });
    if (decision)
      await csrs().updateSubresource(name, 'approval', {
        ...created,
        status: { conditions: [{ type: decision, status: 'True', reason: 'Test' }] },
      });
  }

  it('deletes approved and denied requests after their time, and keeps an undecided one', async () => {
    await create('undecided');
    await create('approved', 'Approved');
    await create('denied', 'Denied');
    await pollUntil(async () => !(await exists('approved')) && !(await exists('denied')), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    expect(await exists('undecided')).toBe(true);
  });
});
