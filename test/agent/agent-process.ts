// Runs `flotilla agent` as a child process for one netns node (on the host side, talking to
// the node's containerd socket), so tests can kill -9 and restart it like a crashed service.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';

const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

export interface AgentProcess {
  configFile: string;
  readonly output: string;
  process: ChildProcess;
  /** SIGKILL, as a crash: the pods must keep running. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function writeAgentConfig(node: NetnsNode, kubeconfig: string, dir: string): string {
  const file = join(dir, `agent-${node.name}.yaml`);
  writeFileSync(
    file,
    stringify({
      nodeName: node.name,
      kubeconfig,
      containerRuntimeEndpoint: node.containerdSocket,
      cniConfDir: node.cniConfDir,
      podCIDR: 'node',
      dataDir: join(node.nodeDir, 'agent'),
      nodeIP: node.nodeIp,
      cgroupParent: node.cgroupParent,
    }),
  );
  return file;
}

export function startAgent(configFile: string): AgentProcess {
  const child = spawn(process.execPath, [bin, 'agent', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    configFile,
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
