// `flotilla image load FILE.tar [--cluster NAME]`: imports an OCI or Docker image archive into
// every node of a cluster (through each node's ctr over SSH), so pods can use it with
// imagePullPolicy: Never or IfNotPresent without a registry.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fail } from './cluster-output.ts';

export function register(program: Command): void {
  const image = program.command('image').description('images on cluster nodes');
  image
    .command('load')
    .description('import an OCI/Docker image archive into every node of a cluster')
    .argument('<file>', 'image archive (.tar), e.g. from docker save or an OCI layout')
    .option('--cluster <name>', 'the cluster (default: the only running one)')
    .action(async (file: string, flags: { cluster?: string }) => {
      const { listClusters, loadImage } = await import('../../control-plane/cluster/index.ts');
      try {
        let cluster = flags.cluster;
        if (!cluster) {
          const running = (await listClusters()).filter((c) => c.state === 'running');
          if (running.length !== 1)
            throw new Error(
              running.length === 0
                ? 'no cluster is running'
                : `several clusters run (${running.map((c) => c.name).join(', ')}): name one with --cluster`,
            );
          cluster = running[0]!.name;
        }
        const names = await loadImage(cluster, resolve(file), {
          onNode: (node, result) =>
            process.stdout.write(
              result.ok
                ? `${node}: loaded ${result.images.join(', ')}\n`
                : `${node}: FAILED: ${result.error}\n`,
            ),
        });
        process.stdout.write(`Loaded ${names.join(', ') || 'the archive'} into cluster ${cluster}.\n`);
      } catch (error) {
        fail('image load', 'text', error);
      }
    });
}
