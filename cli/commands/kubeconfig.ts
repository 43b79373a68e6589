// `flotilla kubeconfig NAME`: prints the cluster's admin kubeconfig (its context is named
// after the cluster), or its path with --path.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fail } from './cluster-output.ts';

export function register(program: Command): void {
  program
    .command('kubeconfig')
    .description("print a cluster's admin kubeconfig (context named after the cluster)")
    .argument('<cluster>')
    .option('--path', 'print the file path instead of its content')
    .action(async (cluster: string, flags: { path?: boolean }) => {
      const { kubeconfigPath } = await import('../../control-plane/cluster/index.ts');
      try {
        const file = kubeconfigPath(cluster);
        process.stdout.write(flags.path ? `${file}\n` : readFileSync(file, 'utf8'));
      } catch (error) {
        fail('kubeconfig', 'text', error);
      }
    });
}
