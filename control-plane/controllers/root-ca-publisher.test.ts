import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import {
  descriptionAnnotation,
  rootCaConfigMapName,
  rootCaDescription,
  RootCaPublisher,
} from './root-ca-publisher.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('root-ca-cert-publisher against a real API server', () => {
  let api: TestApi;
  let ca: string;
  let controllers: RunningControllers;
  beforeAll(async () => {
    api = await startTestApi();
    ca = readFileSync(join(api.plane.dataDir, 'pki', 'ca.crt'), 'utf8');
    controllers = runControllers(
      api,
      (deps) =>
        new RootCaPublisher({
          ...deps,
          rootCA: ca,
        }),
    );
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  const configMaps = (ns: string) => api.client.resource('v1', 'ConfigMap').namespace(ns);
  const rootCa = (ns: string) =>
    configMaps(ns)
      .get(rootCaConfigMapName)
      .catch(() => undefined);

  it('refuses a CA bundle that is not PEM', () => {
    expect(
      () => new RootCaPublisher({ client: api.client, informers: api.informers(), rootCA: 'ca' }),
    ).toThrow(/rootCA/);
  });

  it('publishes the cluster CA with upstream’s description in existing and new namespaces', async () => {
    const system = await pollUntil(() => rootCa('kube-system'), {
      timeoutMs: 30_000,
      description: 'kube-system',
    });
    expect(system.data).toEqual({ 'ca.crt': ca });
    expect(system.metadata?.annotations?.[descriptionAnnotation]).toBe(rootCaDescription);
    await api.client.resource('v1', 'Namespace').create({ metadata: { name: 'team-ca' } });
    const created = await pollUntil(() => rootCa('team-ca'), { timeoutMs: 30_000, description: 'team-ca' });
    expect(created.data).toEqual({ 'ca.crt': ca });
  });

  it('recreates the ConfigMap when it is deleted', async () => {
    const first = await pollUntil(() => rootCa('default'), { timeoutMs: 30_000 });
    await configMaps('default').delete(rootCaConfigMapName);
    const again = await pollUntil(
      async () => {
        const cm = await rootCa('default');
        return cm && cm.metadata?.uid !== first.metadata?.uid ? cm : undefined;
      },
      { timeoutMs: 30_000, description: 'a new kube-root-ca.crt' },
    );
    expect(again.data).toEqual({ 'ca.crt': ca });
  });

  it('puts back the CA and the description when someone edits them, keeping other annotations', async () => {
    const cm = await pollUntil(() => rootCa('kube-public'), { timeoutMs: 30_000 });
    await configMaps('kube-public').update({
      ...cm,
      metadata: { ...cm.metadata, annotations: { team: 'blue' } },
      data: { 'ca.crt': 'not a CA', extra: 'x' },
    });
    const fixed = await pollUntil(
      async () => {
        const c = await rootCa('kube-public');
        return c?.data?.['ca.crt'] === ca ? c : undefined;
      },
      { timeoutMs: 30_000, description: 'restored kube-root-ca.crt' },
    );
    expect(fixed.data).toEqual({ 'ca.crt': ca });
    expect(fixed.metadata?.annotations).toEqual({ team: 'blue', [descriptionAnnotation]: rootCaDescription });
  });
});
