// `flotilla simulate nodes --count N`: register N simulated nodes against a running control
// plane and keep them alive (leases, pod status) until Ctrl+C; then they go silent and the
// node lifecycle controller sees them die. Learn scheduling and self-healing on 100 nodes
// without 100 VMs. `--fail NAME` keeps a node registered but silent from the start.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDataDir } from '../../control-plane/data-dir.ts';

export interface SimulateNodesFlags {
  count: number;
  cpu: string;
  memory: string;
  pods: number;
  prefix: string;
  zones: string;
  fail: string[];
  kubeconfig?: string;
  output: 'text' | 'json';
}

function positiveInt(what: string, allowZero = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || (!allowZero && n === 0))
      throw new InvalidArgumentError(`must be a whole number${allowZero ? '' : ' > 0'} (${what})`);
    return n;
  };
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];

/** --kubeconfig, else $KUBECONFIG, else the default `flotilla serve` data dir's, else ~/.kube/config. */
export function resolveKubeconfigPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (flag) return flag;
  const fromEnv = env['KUBECONFIG']?.split(':').find(Boolean);
  if (fromEnv) return fromEnv;
  const served = join(defaultDataDir('default', env), 'kubeconfig.yaml');
  if (existsSync(served)) return served;
  return join(homedir(), '.kube', 'config');
}

export async function runSimulateNodes(flags: SimulateNodesFlags): Promise<void> {
  const kubeconfig = resolveKubeconfigPath(flags.kubeconfig);
  if (!existsSync(kubeconfig)) {
    process.stderr.write(
      `flotilla simulate: no kubeconfig at ${kubeconfig}; is \`flotilla serve\` running? (or pass --kubeconfig)\n`,
    );
    process.exit(2);
  }
  const { Client, consoleLogger } = await import('../../api/client/index.ts');
  const { nodeTransportFromKubeconfig } = await import('../../api/client/transport-node.ts');
  const { NodeSimulator } = await import('../../control-plane/simulate/simulator.ts');
  const ac = new AbortController();
  const zones = flags.zones
    .split(',')
    .map((z) => z.trim())
    .filter(Boolean);
  let sim: InstanceType<typeof NodeSimulator>;
  let client: InstanceType<typeof Client> | undefined;
  try {
    client = new Client(nodeTransportFromKubeconfig({ kubeconfig }, { userAgent: 'flotilla-simulate' }));
    sim = new NodeSimulator({
      client,
      count: flags.count,
      prefix: flags.prefix,
      cpu: flags.cpu,
      memory: flags.memory,
      pods: flags.pods,
      zones,
      failed: flags.fail,
      logger: consoleLogger,
    });
    await sim.start(ac.signal);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ event: 'error', message })}\n`);
    process.stderr.write(`flotilla simulate: ${message}\n`);
    client?.close();
    process.exit(1);
  }
  // Ready to stop cleanly before saying we are up.
  const stop = (signal: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(1);
    ac.abort();
    sim.stopped().then(
      () => {
        if (flags.output === 'json')
          process.stdout.write(`${JSON.stringify({ event: 'stopped', signal })}\n`);
        else process.stdout.write(`\n${signal}: the simulated nodes are silent now\n`);
        client?.close();
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const names = sim.names;
  if (flags.output === 'json') {
    process.stdout.write(
      `${JSON.stringify({ event: 'ready', nodes: names, failed: flags.fail, pid: process.pid })}\n`,
    );
  } else {
    const range = names.length > 2 ? `${names[0]} ... ${names[names.length - 1]}` : names.join(', ');
    process.stdout.write(
      [
        `${names.length} simulated nodes are up (${range}), ${flags.cpu} CPU / ${flags.memory} / ${flags.pods} pods each,`,
        `in zones ${zones.join(', ')}, using ${kubeconfig}.`,
        ...(flags.fail.length > 0 ? [`Silent from the start: ${flags.fail.join(', ')}.`] : []),
        '',
        '  kubectl get nodes -l type=simulated',
        '',
        'Press Ctrl+C to stop: the nodes then go silent (kubectl delete nodes -l type=simulated removes them).',
        '',
      ].join('\n'),
    );
  }
}

export function register(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('simulated cluster parts, for learning and testing');
  simulate
    .command('nodes')
    .description('register simulated nodes that run pods without containers, until Ctrl+C')
    .requiredOption('--count <n>', 'how many nodes', positiveInt('count', true))
    .option('--cpu <quantity>', 'CPU capacity of each node', '4')
    .option('--memory <quantity>', 'memory capacity of each node', '8Gi')
    .option('--pods <n>', 'pod capacity of each node', positiveInt('pods'), 110)
    .option('--prefix <prefix>', 'node names are PREFIX1, PREFIX2, ...', 'sim-')
    .option(
      '--zones <list>',
      'zones (topology.kubernetes.io/zone) handed out round-robin',
      'zone-a,zone-b,zone-c',
    )
    .option(
      '--fail <node>',
      'register this node but keep it silent, as if dead (name or number; repeatable)',
      collect,
      [],
    )
    .option('--kubeconfig <file>', "kubeconfig of the cluster (default: $KUBECONFIG, then flotilla serve's)")
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: SimulateNodesFlags) => runSimulateNodes(flags));
}
