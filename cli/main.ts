// The `flotilla` command line. Each subcommand lives in its own module under cli/commands/
// and is registered here, so `flotilla --help` lists everything in one place.
import { Command } from 'commander';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('flotilla').description('A real multi-node Kubernetes cluster on your own computer.').version('0.1.0');
  const commands = await import('./commands/index.ts');
  commands.register(program);
  await program.parseAsync(argv);
}
