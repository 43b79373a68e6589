// The controller manager's and admission's flags on `flotilla serve` (and `start`), named like
// kube-controller-manager's (--controllers, --node-monitor-grace-period, --cluster-cidr) and
// kube-apiserver's (--default-not-ready-toleration-seconds, --default-unreachable-toleration-seconds).
import { InvalidArgumentError, type Command } from 'commander';
import type { ControlPlaneOptions, ControlPlaneControllers } from '../control-plane/serve.ts';

export interface ControllerFlags {
  controllers: string;
  nodeMonitorGracePeriod?: number;
  clusterCidr?: string;
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of seconds');
  return Number(value);
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
    .option('--cluster-cidr <cidr>', 'pod addresses; each node gets a /24 of it', '10.244.0.0/16')
    .option(
      '--default-not-ready-toleration-seconds <seconds>',
      'how long pods stay on a NotReady node before they are evicted (default 300)',
      parseSeconds,
    )
    .option(
      '--default-unreachable-toleration-seconds <seconds>',
      'how long pods stay on an unreachable node before they are evicted (default 300)',
      parseSeconds,
    );
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

/** The control plane options these flags set: controllers and admission. */
export function clusterOptionsFromFlags(
  flags: ControllerFlags,
): Pick<ControlPlaneOptions, 'controllers' | 'admission'> {
  return {
    controllers: controllersFromFlags(flags),
    admission: {
      defaultTolerationSeconds: {
        notReadySeconds: flags.defaultNotReadyTolerationSeconds,
        unreachableSeconds: flags.defaultUnreachableTolerationSeconds,
      },
    },
  };
}
