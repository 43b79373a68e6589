// Entry of the agent bundle (dist/agent/agent.mjs) that the installer copies to nodes:
// `node agent.mjs agent --config FILE`. Only the agent command, so the bundle never pulls in
// the control plane.
import { Command } from 'commander';
import { register } from '../cli/commands/agent.ts';

const program = new Command();
program.name('flotilla-agent').description('Flotilla node agent (kubelet on containerd).');
register(program);
await program.parseAsync(process.argv);
