// Entry of the agent bundle (dist/agent/agent.mjs) that the installer copies to nodes:
// `node agent.mjs agent --config FILE`. Only the agent command, so the bundle never pulls in
// the control plane. That exact command line, the one the installer writes, is read by hand:
// commander is loaded (and evaluated: ~0.7 MiB of heap kept for the process's life) only for
// anything else, such as --help or a mistyped option, which it answers as the CLI does.
import { runAgentCommand } from '../cli/commands/agent.ts';

const args = process.argv.slice(2);
const configFile =
  args.length === 3 && args[0] === 'agent' && args[1] === '--config'
    ? args[2]
    : args.length === 2 && args[0] === 'agent' && args[1]!.startsWith('--config=')
      ? args[1]!.slice('--config='.length)
      : undefined;
if (configFile) {
  await runAgentCommand(configFile);
} else {
  const { Command } = await import('commander');
  const { register } = await import('../cli/commands/agent.ts');
  const program = new Command();
  program.name('flotilla-agent').description('Flotilla node agent (kubelet on containerd).');
  register(program);
  await program.parseAsync(process.argv);
}
