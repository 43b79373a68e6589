// `flotilla agent` running INSIDE a netns node's network namespace, as the installer runs it on
// a real node, so kube-proxy programs that node's iptables. (test/agent runs it on the host.)
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';

const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

export interface NetnsAgent {
  readonly output: string;
  process: ChildProcess;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function writeProxyAgentConfig(
  node: NetnsNode,
  kubeconfig: string,
  dir: string,
  clusterCIDR: string,
  podCIDR: string,
): string {
  const file = join(dir, `agent-${node.name}.yaml`);
  writeFileSync(
    file,
    stringify({
      nodeName: node.name,
      kubeconfig,
      containerRuntimeEndpoint: node.containerdSocket,
      cniConfDir: node.cniConfDir,
      podCIDR,
      dataDir: join(node.nodeDir, 'agent'),
      nodeIP: node.nodeIp,
      cgroupParent: node.cgroupParent,
      kubeletPort: 0,
      proxy: { mode: 'iptables', clusterCIDR },
    }),
  );
  return file;
}

export function startAgentInNetns(node: NetnsNode, configFile: string): NetnsAgent {
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
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((done) => child.once('exit', () => done()));
  return {
    get output() {
      return output;
    },
    process: child,
    async kill9() {
      child.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited();
    },
  };
}

/** The host PID of a container's process, found by its ID in the cgroup path. */
export function pidOfContainer(containerId: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cgroup`, 'utf8').includes(containerId)) return Number(entry);
    } catch {
      // The process exited while we looked.
    }
  }
  throw new Error(`no process found for container ${containerId}`);
}
