// Running the agent on a node, as a systemd unit (VMs and real hosts) or as a detached process
// with a pid file (netns nodes, which share the host's init; the cluster supervisor restarts it
// when it dies). Every command goes through the SSH session, so nothing here is netns-specific.
import type { ProvisionedNode } from '../provider.ts';
import { installPaths } from './agent-config.ts';
import { shellQuote, type SshSession } from './ssh.ts';

export const AGENT_UNIT = 'flotilla-agent.service';

/**
 * V8 flags for the agent. Its garbage is short-lived (watch events, CRI replies, status
 * patches), but with default settings V8 lets the old generation grow by tens of MiB of it
 * before a full GC (measured: 19 MiB live, 37 MiB before the collection). Small semi-spaces and
 * --optimize-for-size (smaller heap growth steps, more frequent full GCs of a few ms each) keep
 * RSS close to what is live. --single-threaded: V8's background threads (concurrent marking and
 * compilation) each left a glibc malloc arena of 1.5-2 MiB behind, ~7 MiB in all, for a heap
 * of ~20 MiB that the main thread collects in a few ms (issue #6: agent RSS < 80 MB).
 */
export const AGENT_NODE_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size', '--single-threaded'];

/** The host's own Node runtime if it declares one, else the one the installer shipped. */
function nodeBinary(node: ProvisionedNode): string {
  return node.agent.nodeBinary ?? installPaths(node).runtime;
}

export function systemdUnit(node: ProvisionedNode): string {
  const paths = installPaths(node);
  return `# Written by flotilla: the node agent (kubelet) of node ${node.name}.
[Unit]
Description=Flotilla node agent
After=network-online.target containerd.service
Wants=network-online.target

[Service]
ExecStart=${nodeBinary(node)} ${AGENT_NODE_FLAGS.join(' ')} ${paths.bundle} agent --config ${paths.config}
Restart=always
RestartSec=2
KillMode=process

[Install]
WantedBy=multi-user.target
`;
}

/** Shell: succeeds when the pid in the pid file is a live agent. */
function aliveCheck(pidFile: string): string {
  const q = shellQuote(pidFile);
  return `[ -f ${q} ] && pid=$(cat ${q}) && [ -d /proc/$pid ] && grep -q agent.mjs /proc/$pid/cmdline 2>/dev/null`;
}

export async function startAgentService(ssh: SshSession, node: ProvisionedNode): Promise<void> {
  const paths = installPaths(node);
  if (node.agent.serviceManager === 'systemd') {
    await ssh.writeFile(paths.unit, systemdUnit(node));
    await ssh.run(
      `systemctl daemon-reload && systemctl enable ${AGENT_UNIT} && systemctl restart ${AGENT_UNIT}`,
    );
    return;
  }
  // setsid: the agent leaves the SSH session's process group and outlives the connection.
  const command = [nodeBinary(node), ...AGENT_NODE_FLAGS, paths.bundle, 'agent', '--config', paths.config]
    .map(shellQuote)
    .join(' ');
  await ssh.run(
    [
      `if ${aliveCheck(paths.pidFile)}; then exit 0; fi`,
      `mkdir -p ${shellQuote(node.agent.dataDir)}`,
      `setsid ${command} >> ${shellQuote(paths.log)} 2>&1 < /dev/null &`,
      `echo $! > ${shellQuote(paths.pidFile)}`,
    ].join('\n'),
  );
}

/** Whether the agent runs (the unit is active, or the pid file names a live agent). */
export async function agentServiceRunning(ssh: SshSession, node: ProvisionedNode): Promise<boolean> {
  const paths = installPaths(node);
  const check =
    node.agent.serviceManager === 'systemd'
      ? `systemctl is-active --quiet ${AGENT_UNIT}`
      : aliveCheck(paths.pidFile);
  return (await ssh.exec(check)).code === 0;
}

/** Stops the agent (SIGTERM, then SIGKILL after 15 s); its pods keep running. */
export async function stopAgentService(ssh: SshSession, node: ProvisionedNode): Promise<void> {
  const paths = installPaths(node);
  if (node.agent.serviceManager === 'systemd') {
    await ssh.exec(`systemctl stop ${AGENT_UNIT}`);
    return;
  }
  await ssh.run(
    [
      `if ${aliveCheck(paths.pidFile)}; then`,
      '  kill -TERM $pid',
      '  for i in $(seq 150); do [ -d /proc/$pid ] || break; sleep 0.1; done',
      '  [ -d /proc/$pid ] && kill -KILL $pid',
      'fi',
      `rm -f ${shellQuote(paths.pidFile)}`,
      'true',
    ].join('\n'),
  );
}

/** Kills the agent without a chance to clean up (tests of a crashed or lost agent). */
export async function killAgentService(ssh: SshSession, node: ProvisionedNode): Promise<void> {
  const paths = installPaths(node);
  await ssh.run(`if ${aliveCheck(paths.pidFile)}; then kill -KILL $pid; fi; true`);
}

export async function removeAgentService(ssh: SshSession, node: ProvisionedNode): Promise<void> {
  if (node.agent.serviceManager !== 'systemd') return;
  const paths = installPaths(node);
  await ssh.exec(`systemctl disable ${AGENT_UNIT}; rm -f ${paths.unit}; systemctl daemon-reload`);
}
