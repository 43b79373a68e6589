// `flotilla cluster create|list|start|stop|delete` (and the hidden `cluster run`, the
// supervisor process each running cluster is). See docs/clusters.md.
import { Command, InvalidArgumentError, Option } from 'commander';
import { fail, interruptSignal, progressPrinter, type OutputFormat } from './cluster-output.ts';

const lib = () => import('../../control-plane/cluster/index.ts');

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
}

const outputOption = () =>
  new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');

interface CreateFlags {
  provider: string;
  nodes: number;
  cpus?: number;
  memory?: string;
  port?: number;
  output: OutputFormat;
}

export function register(program: Command): void {
  const cluster = program.command('cluster').description('create and manage clusters of real nodes');

  cluster
    .command('create')
    .description('create a cluster: a control plane and N nodes with the agent installed, all Ready')
    .argument('<name>', 'cluster name (lowercase letters, digits, dashes)')
    .addOption(
      new Option('--provider <provider>', 'where nodes run')
        .choices(['netns', 'multipass', 'virtualbox', 'ssh'])
        .default('netns'),
    )
    .option('--nodes <n>', 'number of nodes', positiveInt, 1)
    .option('--cpus <n>', 'CPUs per node (VM providers)', positiveInt)
    .option('--memory <size>', 'memory per node, e.g. 2Gi (VM providers)')
    .option('--port <port>', 'API server port (default: a free one)', port)
    .addOption(outputOption())
    .action(async (name: string, flags: CreateFlags) => {
      const { createCluster } = await lib();
      try {
        const created = await createCluster(
          {
            name,
            provider: flags.provider,
            nodes: flags.nodes,
            ...(flags.cpus ? { cpus: flags.cpus } : {}),
            ...(flags.memory ? { memory: flags.memory } : {}),
            ...(flags.port ? { port: flags.port } : {}),
          },
          { onProgress: progressPrinter(flags.output), signal: interruptSignal() },
        );
        if (flags.output === 'json') {
          process.stdout.write(`${JSON.stringify({ event: 'ready', ...created })}\n`);
        } else {
          process.stdout.write(
            [
              '',
              `Cluster ${name} is ready: ${created.nodes.length} node(s).`,
              `  Kubeconfig: ${created.kubeconfig}`,
              '',
              `  kubectl --kubeconfig ${created.kubeconfig} get nodes`,
              '',
            ].join('\n'),
          );
        }
        process.exit(0);
      } catch (error) {
        fail('cluster create', flags.output, error);
      }
    });

  cluster
    .command('list')
    .description('list clusters and whether they run')
    .addOption(outputOption())
    .action(async (flags: { output: OutputFormat }) => {
      const { listClusters } = await lib();
      const clusters = await listClusters();
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify(clusters)}\n`);
        return;
      }
      const rows = [['NAME', 'PROVIDER', 'STATE', 'NODES', 'API']];
      for (const c of clusters)
        rows.push([c.name, c.provider, c.state, String(c.nodes.length), c.apiUrl ?? '']);
      process.stdout.write(table(rows));
    });

  cluster
    .command('start')
    .description('bring a stopped cluster back: nodes, control plane, agents (pods come back)')
    .argument('<name>')
    .addOption(outputOption())
    .action(async (name: string, flags: { output: OutputFormat }) => {
      const { startCluster } = await lib();
      try {
        const started = await startCluster(name, {
          onProgress: progressPrinter(flags.output),
          signal: interruptSignal(),
        });
        if (flags.output === 'text')
          process.stdout.write(
            `Cluster ${name} is running.\n  kubectl --kubeconfig ${started.kubeconfig} get nodes\n`,
          );
        process.exit(0);
      } catch (error) {
        fail('cluster start', flags.output, error);
      }
    });

  cluster
    .command('stop')
    .description('stop the agents, nodes and control plane (everything is kept for start)')
    .argument('<name>')
    .action(async (name: string) => {
      const { stopCluster } = await lib();
      try {
        await stopCluster(name);
        process.stdout.write(`Cluster ${name} is stopped.\n`);
      } catch (error) {
        fail('cluster stop', 'text', error);
      }
    });

  cluster
    .command('delete')
    .description('delete the cluster: its nodes, their network, its data')
    .argument('<name>')
    .action(async (name: string) => {
      const { deleteCluster } = await lib();
      try {
        await deleteCluster(name);
        process.stdout.write(`Cluster ${name} is deleted.\n`);
      } catch (error) {
        fail('cluster delete', 'text', error);
      }
    });

  cluster
    .command('run', { hidden: true })
    .description('the supervisor of one cluster (started by create and start)')
    .argument('<name>')
    .option('--create', 'create the nodes of cluster.yaml first')
    .action(async (name: string, flags: { create?: boolean }) => {
      const { runSupervisor } = await lib();
      const code = await runSupervisor({ name, mode: flags.create ? 'create' : 'start' });
      process.exit(code);
    });
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('   ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
