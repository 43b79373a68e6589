// The controller manager's flags on `flotilla serve` (and `start`), named like
// kube-controller-manager's: --controllers, --node-monitor-grace-period, --cluster-cidr.
import { InvalidArgumentError, type Command } from 'commander';
import type { ControlPlaneControllers } from '../control-plane/serve.ts';

export interface ControllerFlags {
  controllers: string;
  nodeMonitorGracePeriod?: number;
  clusterCidr?: string;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration (`40s`, `1m30s`, `500ms`) in milliseconds. */
export function parseDuration(value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value)
    throw new InvalidArgumentError('must be a duration like 40s, 1m30s or 500ms');
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * units[unit!]!, 0);
}

export function withControllerOptions(cmd: Command): Command {
  return cmd
    .option(
      '--controllers <list>',
      'controllers to run: names, * for all, -name to leave one out (e.g. *,-nodelifecycle); "" for none',
      '*',
    )
    .option(
      '--node-monitor-grace-period <duration>',
      'how long a node may go silent before it is marked NotReady/Unknown',
      parseDuration,
    )
    .option('--cluster-cidr <cidr>', 'pod addresses; each node gets a /24 of it', '10.244.0.0/16');
}

/** What startControlPlane needs, or undefined when no controller should run. */
export function controllersFromFlags(flags: ControllerFlags): ControlPlaneControllers | undefined {
  const names = flags.controllers
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) return undefined;
  const settings: Record<string, Record<string, unknown>> = {};
  if (flags.nodeMonitorGracePeriod !== undefined)
    settings.nodelifecycle = { nodeMonitorGracePeriodMs: flags.nodeMonitorGracePeriod };
  if (flags.clusterCidr) settings.nodeipam = { clusterCIDR: flags.clusterCidr };
  return { names, settings };
}
