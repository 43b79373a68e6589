// Running the agent on a node, as a systemd unit (VMs and real hosts) or as a detached process
// with a pid file (netns nodes, which share the host's init; the cluster supervisor restarts it
// when it dies). Every command goes through the SSH session, so nothing here is netns-specific.
import type { ProvisionedNode } from '../provider.ts';
import { installPaths } from './agent-config.ts';
import { shellQuote, type SshSession } from './ssh.ts';

export const AGENT_UNIT = 'flotilla-agent.service';

/**
 * V8 flags for the agent (issue #6: agent RSS < 80 MB; each measured on a 2-node netns cluster
 * with 25 pods per node, one node with the change and one without, in the same run).
 * - --max-semi-space-size=2: its garbage is short-lived (watch events, CRI replies, status
 *   patches), but by default V8 lets the old generation grow by tens of MiB of it before a full
 *   GC (measured: 19 MiB live, 37 MiB before the collection). Small semi-spaces keep RSS close to
 *   what is live.
 * - --single-threaded: V8's background threads (concurrent marking and compilation) each left a
 *   glibc malloc arena of 1.5-2 MiB behind, ~7 MiB in all, for a heap of ~20 MiB that the main
 *   thread collects in a few ms.
 * - --flush-baseline-code, --bytecode-old-age=2: baseline code and bytecode of functions that
 *   have not run for two full GCs are dropped (recompiled if they run again): what ran only at
 *   start or in the last burst of pods. 2-4 MiB less RSS 15 s after a burst (3 runs), no
 *   measurable change in the ingress proxy's CPU per request, whose hot code keeps running.
 * Tried and left out: --max-semi-space-size=1, --max-old-space-size=256 and
 * --heap-growing-percent=20 --compact-on-every-full-gc (no change beyond noise), and a forced
 * full GC once the agent is quiet after a burst (it freed under 1 MiB: what is left after a
 * burst is mostly live or fragmented, not garbage). The ingress proxy runs in the agent, so
 * flags that slow hot JavaScript cost its throughput (bench/ingress): --no-sparkplug (1.5-4 MiB
 * less, 15 % more CPU per proxied request), --max-opt=1 (no TurboFan: 3-5 MiB less and the same
 * CPU for a pod burst, but twice the CPU per request and 30-75 % less throughput), --jitless
 * (10 MiB less, 4x the CPU per request), --optimize-for-size (3 MiB less RSS after a 50-pod
 * burst, 69-71 MiB without it, but 15-20 % more proxy CPU per request: bench/ingress ratio
 * 0.46-0.48 with it, 0.50-0.53 without, alternating runs on a quiet machine).
 */
export const AGENT_NODE_FLAGS = [
  '--max-semi-space-size=2',
  '--single-threaded',
  '--flush-baseline-code',
  '--bytecode-old-age=2',
];

/**
 * Environment for the agent's node process. glibc raises its mmap threshold whenever a large
 * block is freed (up to 32 MiB), after which HTTP/2 and TLS buffers and JSON bodies of a few
 * hundred KiB come from the brk heap, where one live block above them keeps the whole span
 * resident. A fixed threshold (which also fixes the trim threshold) keeps them in their own
 * mappings, returned on free: the brk heap stayed at 6-7 MiB after a 25-pod burst instead of
 * 8.5-9.5. MALLOC_ARENA_MAX=2 made no difference (with --single-threaded only libuv's threads
 * allocate besides the main one). Ignored by non-glibc runtimes.
 */
export const AGENT_NODE_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** The host's own Node runtime if it declares one, else the one the installer shipped. */
function nodeBinary(node: ProvisionedNode): string {
  return node.agent.nodeBinary ?? installPaths(node).runtime;
}

export function systemdUnit(node: ProvisionedNode): string {
  const paths = installPaths(node);
  const environment = Object.entries(AGENT_NODE_ENV)
    .map(([k, v]) => `Environment=${k}=${v}\n`)
    .join('');
  return `# Written by flotilla: the node agent (kubelet) of node ${node.name}.
[Unit]
Description=Flotilla node agent
After=network-online.target containerd.service
Wants=network-online.target

[Service]
${environment}ExecStart=${nodeBinary(node)} ${AGENT_NODE_FLAGS.join(' ')} ${paths.bundle} agent --config ${paths.config}
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
  // env: it execs node, so $! stays the agent's pid.
  const environment = Object.entries(AGENT_NODE_ENV).map(([k, v]) => `${k}=${v}`);
  const command = [
    'env',
    ...environment,
    nodeBinary(node),
    ...AGENT_NODE_FLAGS,
    paths.bundle,
    'agent',
    '--config',
    paths.config,
  ]
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
