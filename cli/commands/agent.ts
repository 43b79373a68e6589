// `flotilla agent --config FILE`: the node agent (what the installer runs as a systemd unit).
// Stops cleanly on SIGTERM/SIGINT, leaving the node's pods running: a restarted agent adopts them.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('agent')
    .description('run the node agent (kubelet) for one node')
    .requiredOption('--config <file>', 'agent configuration (YAML)')
    .action((flags: { config: string }) => runAgentCommand(flags.config));
}

/** The command's work; the agent bundle (agent/main.ts) calls it without a command-line parser. */
export async function runAgentCommand(configFile: string): Promise<void> {
  const { loadAgentConfig } = await import('../../agent/config.ts');
  const { runAgent } = await import('../../agent/agent.ts');
  let config;
  try {
    config = loadAgentConfig(configFile);
  } catch (err) {
    process.stderr.write(`flotilla agent: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stderr.write(`flotilla agent: node ${config.nodeName} starting\n`);
  try {
    await runAgent(config, controller.signal);
  } catch (err) {
    // E.g. the node's certificate request was not approved: say why, without a stack.
    process.stderr.write(`flotilla agent: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  process.exit(0);
}
