// Runs `flotilla agent` as a child process for one netns node (on the host side, talking to
// the node's containerd socket), so tests can kill -9 and restart it like a crashed service.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { AGENT_NODE_ENV, AGENT_NODE_FLAGS } from '../../control-plane/provision/install/agent-service.ts';
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

/** The agent config fields that point at a netns node's containerd, CNI config, data and address. */
export function netnsNodeSettings(node: NetnsNode) {
  return {
    nodeName: node.name,
    containerRuntimeEndpoint: node.containerdSocket,
    cniConfDir: node.cniConfDir,
    podCIDR: 'node',
    dataDir: join(node.nodeDir, 'agent'),
    nodeIP: node.nodeIp,
    cgroupParent: node.cgroupParent,
  };
}

/** An agent config for `node` with `kubeconfig` (and the suite's `extra` settings); returns its path. */
export function writeAgentConfig(
  node: NetnsNode,
  kubeconfig: string,
  dir: string,
  extra: Record<string, unknown> = {},
): string {
  const file = join(dir, `agent-${node.name}.yaml`);
  writeFileSync(file, stringify({ ...netnsNodeSettings(node), kubeconfig, ...extra }));
  return file;
}

/**
 * `flotilla agent --config FILE`, on the host or, with `netns`, inside a node's network namespace
 * as the installer runs it on a real node (so it may program that node's routes and iptables).
 */
export function startAgent(configFile: string, opts: { netns?: string } = {}): AgentProcess {
  // The V8 flags and malloc settings the installer starts it with, so tests see the agent's real
  // heap behaviour.
  const agent = [process.execPath, ...AGENT_NODE_FLAGS, bin, 'agent', '--config', configFile];
  const [command, ...args] = opts.netns ? ['nsenter', `--net=/run/netns/${opts.netns}`, ...agent] : agent;
  const child = spawn(command!, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...AGENT_NODE_ENV },
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
      const done = exited();
      child.kill('SIGTERM');
      // An agent stuck in shutdown must not hang the test's cleanup.
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await done;
      clearTimeout(timer);
    },
  };
}
