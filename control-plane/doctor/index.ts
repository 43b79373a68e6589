// `flotilla doctor`: checks this computer before (or while) a cluster is created, so a failure
// says what is wrong with the host instead of a step timing out. Used by the CLI and the app API.
import { existsSync, readFileSync } from 'node:fs';
import {
  availableMemory,
  checkDisk,
  checkMemory,
  checkPorts,
  checkProviders,
  checkRoot,
  checkRoutes,
  checkVirtualization,
  defaultPorts,
} from './checks.ts';
import { summarize, type DoctorReport } from './report.ts';

export { formatReport, summarize, type CheckResult, type CheckStatus, type DoctorReport } from './report.ts';

export interface DoctorOptions {
  /** Where clusters are stored (free disk is measured there). */
  dataRoot: string;
  /** The cluster the user has in mind: default 2 nodes of 1024 MiB. */
  nodes?: number;
  memoryPerNodeMiB?: number;
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const nodes = opts.nodes ?? 2;
  const meminfo = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : undefined;
  const [routes, ports, providers] = await Promise.all([
    checkRoutes(),
    checkPorts(defaultPorts),
    checkProviders(),
  ]);
  return summarize([
    checkVirtualization(),
    checkDisk(opts.dataRoot, nodes),
    checkMemory(nodes, opts.memoryPerNodeMiB ?? 1024, availableMemory(meminfo)),
    routes,
    ...ports,
    providers,
    checkRoot(),
  ]);
}
