// A netns node whose agent serves the kubelet API: the agent runs inside the node's network
// namespace (as the installer runs it), so it listens on <nodeIP>:10250 and reaches the CRI
// stream server on the node's loopback, with a serving certificate from the cluster CA.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';
import { loadCertificateAuthority } from '../../control-plane/pki/authority.ts';
import { issueServingCertificate } from '../../control-plane/pki/issue.ts';

const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

export interface StreamingAgent {
  readonly output: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

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
  const file = join(dir, `agent-${node.name}.yaml`);
  writeFileSync(
    file,
    stringify({
      nodeName: node.name,
      kubeconfig: server.kubeconfig,
      containerRuntimeEndpoint: node.containerdSocket,
      cniConfDir: node.cniConfDir,
      podCIDR: 'node',
      dataDir: join(node.nodeDir, 'agent'),
      nodeIP: node.nodeIp,
      cgroupParent: node.cgroupParent,
      clusterDNS: [],
      kubeletPort: 10250,
      tlsCertFile: certFile,
      tlsPrivateKeyFile: keyFile,
      clientCAFile: join(pki, 'ca.crt'),
    }),
  );
  return file;
}

export function startAgentInNode(node: NetnsNode, configFile: string): StreamingAgent {
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${node.namespace}`, process.execPath, bin, 'agent', '--config', configFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  return {
    get output() {
      return output;
    },
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
