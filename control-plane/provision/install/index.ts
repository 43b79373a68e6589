// The shared install path: SSH with a pinned host key, then the agent's files and service.
export { connectSsh, HostKeyMismatchError, shellQuote, type SshSession, type ExecResult } from './ssh.ts';
export {
  installAgent,
  startAgent,
  stopAgent,
  uninstallAgent,
  writeAgentConfig,
  type InstallOptions,
} from './install.ts';
export { NoSpaceLeftError, availableKiB } from './disk-space.ts';
export { agentServiceRunning, killAgentService, AGENT_UNIT } from './agent-service.ts';
export { installPaths, type AgentInstallSettings, type NodeCredential } from './agent-config.ts';
export { ensureAgentBundle, AGENT_BUNDLE } from './agent-bundle.ts';
export {
  registriesProblems,
  registryHostsFiles,
  writeRegistryConfig,
  type RegistriesSpec,
} from './registry-config.ts';
