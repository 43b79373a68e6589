// `flotilla node add|remove|list|shell CLUSTER ...`: nodes of a running cluster.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { fail, progressPrinter, type OutputFormat } from './cluster-output.ts';
import { table } from './cluster.ts';

const lib = () => import('../../control-plane/cluster/index.ts');
const outputOption = () =>
  new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');

export function register(program: Command): void {
  const node = program
    .command('node')
    .description('add, remove, list and open a shell on nodes of a cluster');

  node
    .command('add')
    .description('create a node, install the agent, wait for it to be Ready')
    .argument('<cluster>')
    .argument('[node]', 'node name (default: the next free node-<k>)')
    .addOption(outputOption())
    .action(async (cluster: string, name: string | undefined, flags: { output: OutputFormat }) => {
      const { addNode } = await lib();
      try {
        const added = await addNode(cluster, name, { onProgress: progressPrinter(flags.output) });
        if (flags.output === 'text') process.stdout.write(`Node ${added.name} is Ready.\n`);
      } catch (error) {
        fail('node add', flags.output, error);
      }
    });

  node
    .command('remove')
    .description('drain the node, uninstall its agent and delete it')
    .argument('<cluster>')
    .argument('<node>')
    .addOption(outputOption())
    .action(async (cluster: string, name: string, flags: { output: OutputFormat }) => {
      const { removeNode } = await lib();
      try {
        await removeNode(cluster, name, { onProgress: progressPrinter(flags.output) });
        if (flags.output === 'text') process.stdout.write(`Node ${name} is removed.\n`);
      } catch (error) {
        fail('node remove', flags.output, error);
      }
    });

  node
    .command('list')
    .description("list the cluster's nodes as their providers made them")
    .argument('<cluster>')
    .addOption(outputOption())
    .action(async (cluster: string, flags: { output: OutputFormat }) => {
      const { listNodes } = await lib();
      try {
        const nodes = listNodes(cluster);
        if (flags.output === 'json') {
          process.stdout.write(`${JSON.stringify(nodes)}\n`);
          return;
        }
        const rows = [['NAME', 'PROVIDER', 'ADDRESS', 'SSH']];
        for (const n of nodes)
          rows.push([n.name, n.provider, n.address, `${n.sshUser}@${n.address}:${n.sshPort}`]);
        process.stdout.write(table(rows));
      } catch (error) {
        fail('node list', 'text', error);
      }
    });

  node
    .command('shell')
    .description("open a shell on the node over SSH (the cluster's key, the node's pinned host key)")
    .argument('<cluster>')
    .argument('<node>')
    .argument('[command...]', 'run this instead of an interactive shell')
    .action(async (cluster: string, name: string, command: string[]) => {
      const { listNodes, clusterPaths } = await lib();
      const { connectSsh } = await import('../../control-plane/provision/install/index.ts');
      try {
        const target = listNodes(cluster).find((n) => n.name === name);
        if (!target) throw new Error(`cluster ${cluster} has no node ${name}`);
        const ssh = await connectSsh(target, {
          privateKey: readFileSync(clusterPaths(cluster).sshKey, 'utf8'),
        });
        const code = await ssh.attach(command.length > 0 ? command.join(' ') : undefined);
        ssh.close();
        process.exit(code);
      } catch (error) {
        fail('node shell', 'text', error);
      }
    });
}
