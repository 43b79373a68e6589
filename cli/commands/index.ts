// Registry of subcommands: name -> module. Keep this a literal list.
import type { Command } from 'commander';
import * as agent from './agent.ts';
import * as cluster from './cluster.ts';
import * as doctor from './doctor.ts';
import * as image from './image.ts';
import * as kubeconfig from './kubeconfig.ts';
import * as node from './node.ts';
import * as serve from './serve.ts';
import * as simulate from './simulate.ts';
import * as start from './start.ts';

const commands: Record<string, { register(program: Command): void }> = {
  agent,
  cluster,
  doctor,
  image,
  kubeconfig,
  node,
  serve,
  simulate,
  start,
};

export function register(program: Command): void {
  for (const command of Object.values(commands)) command.register(program);
}
