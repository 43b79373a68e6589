// A netns node whose agent serves the kubelet API: the agent runs inside the node's network
// namespace (as the installer runs it), so it listens on <nodeIP>:10250 and reaches the CRI
// stream server on the node's loopback, with a serving certificate from the cluster CA.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';
import { startAgent, writeAgentConfig, type AgentProcess } from '../agent/agent-process.ts';
import { loadCertificateAuthority } from '../../control-plane/pki/authority.ts';
import { issueServingCertificate } from '../../control-plane/pki/issue.ts';

export type StreamingAgent = AgentProcess;

/** Issues the node's kubelet serving certificate (IP SAN: the node IP) and writes the agent config. */
export async function writeStreamingAgentConfig(
  node: NetnsNode,
  server: { kubeconfig: string; dataDir: string },
  dir: string,
): Promise<string> {
  const pki = join(server.dataDir, 'pki');
  const ca = await loadCertificateAuthority(
    readFileSync(join(pki, 'ca.crt'), 'utf8'),
    readFileSync(join(pki, 'ca.key'), 'utf8'),
  );
  const serving = await issueServingCertificate(ca, {
    commonName: `system:node:${node.name}`,
    altNames: { dnsNames: [node.name], ips: [node.nodeIp] },
  });
  const certFile = join(dir, `kubelet-${node.name}.crt`);
  const keyFile = join(dir, `kubelet-${node.name}.key`);
  writeFileSync(certFile, serving.certPem);
  writeFileSync(keyFile, serving.keyPem, { mode: 0o600 });
  const file = writeAgentConfig(node, server.kubeconfig, dir, {
    clusterDNS: [],
    kubeletPort: 10250,
    tlsCertFile: certFile,
    tlsPrivateKeyFile: keyFile,
    clientCAFile: join(pki, 'ca.crt'),
  });
  return file;
}

export function startAgentInNode(node: NetnsNode, configFile: string): StreamingAgent {
  return startAgent(configFile, { netns: node.namespace });
}
