// `flotilla doctor`: checks this computer for running clusters (virtualization, disk, memory,
// conflicting routes, ports, providers, root) and prints ok/warn/fail per line with what to do.
// Exits 1 when a check failed, so scripts can gate on it.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check this computer for running clusters: what is ok, what to fix')
    .option('--nodes <n>', 'nodes of the cluster you plan', '2')
    .option('--memory <mib>', 'memory per node in MiB', '1024')
    .option('--output <format>', 'text or json', 'text')
    .action(async (flags: { nodes: string; memory: string; output: string }) => {
      const { runDoctor, formatReport } = await import('../../control-plane/doctor/index.ts');
      const { dataRoot } = await import('../../control-plane/cluster/paths.ts');
      const report = await runDoctor({
        dataRoot: dataRoot(),
        nodes: Number(flags.nodes),
        memoryPerNodeMiB: Number(flags.memory),
      });
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify(report)}\n` : formatReport(report));
      if (report.summary.fail > 0) process.exitCode = 1;
    });
}
