// runProxy's start, before it touches the kernel: what an older agent.yaml makes it say.
import { describe, expect, it } from 'vitest';
import { Client, fetchTransport, type Logger } from '../../api/client/index.ts';
import { parseAgentConfig, type AgentConfig } from '../config.ts';
import { runProxy } from './index.ts';

/** Parses an agent.yaml for node n1 with `settings` and starts runProxy; returns the config and what it warned. */
async function startWith(
  settings: Record<string, unknown>,
): Promise<{ config: AgentConfig; warnings: string[] }> {
  const config = parseAgentConfig({ nodeName: 'n1', nodeIP: '10.0.0.2', kubeconfig: '/k.yaml', ...settings });
  const warnings: string[] = [];
  const logger: Logger = { info: () => {}, warn: (msg) => warnings.push(msg), error: () => {} };
  const client = new Client(fetchTransport({ baseUrl: 'https://127.0.0.1:1' }));
  await runProxy({ client, nodeName: 'n1', config: config.proxy, logger }, new AbortController().signal);
  return { config, warnings };
}

describe('runProxy', () => {
  it('warns about a proxy.clusterCIDR left in an older agent.yaml', async () => {
    const { warnings } = await startWith({
      clusterCIDR: '10.244.0.0/16',
      // Mode none: the proxy stops right after reading its config, without the kernel or the API.
      proxy: { mode: 'none', clusterCIDR: '10.50.0.0/16' },
    });
    expect(warnings).toEqual([
      expect.stringMatching(/^proxy\.clusterCIDR is deprecated: kube-proxy uses 10\.50\.0\.0\/16/),
    ]);
  });

  it('says nothing about a config written the current way', async () => {
    const { config, warnings } = await startWith({ clusterCIDR: '10.50.0.0/16', proxy: { mode: 'none' } });
    expect(config.proxy.clusterCIDR).toBe('10.50.0.0/16');
    expect(warnings).toEqual([]);
  });
});
