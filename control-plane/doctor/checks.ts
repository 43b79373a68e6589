// The host checks behind `flotilla doctor`. Each returns CheckResults and never throws: a check
// that cannot run says so as a warning, so one broken probe never hides the others.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { createServer } from 'node:net';
import { freemem, networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { detectAll } from '../provision/registry.ts';
import type { CheckResult } from './report.ts';
import { findConflicts, interfaceCidr, parseIpRoutes, type HostRoute } from './routes.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

export function checkVirtualization(
  platform: NodeJS.Platform = process.platform,
  read: (path: string) => string | undefined = (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
  hasKvm = existsSync('/dev/kvm'),
): CheckResult {
  const base = { id: 'virtualization', title: 'Virtualization' };
  if (platform !== 'linux')
    return {
      ...base,
      status: 'ok',
      message: `${platform}: VMs run through Multipass or VirtualBox (see Providers)`,
    };
  const flags = /^flags\s*:(.*)$/m.exec(read('/proc/cpuinfo') ?? '')?.[1]?.split(/\s+/) ?? [];
  const cpu = flags.includes('vmx') ? 'VT-x' : flags.includes('svm') ? 'AMD-V' : undefined;
  if (hasKvm) return { ...base, status: 'ok', message: `/dev/kvm is present${cpu ? ` (${cpu})` : ''}` };
  if (cpu)
    return {
      ...base,
      status: 'warn',
      message: `the CPU has ${cpu} but /dev/kvm is missing`,
      hint: 'load the kvm module (modprobe kvm_intel or kvm_amd) to run VM nodes; netns nodes do not need it',
    };
  return {
    ...base,
    status: 'warn',
    message: 'no hardware virtualization (no vmx/svm CPU flag, no /dev/kvm)',
    hint: 'enable VT-x/AMD-V in the firmware, or nested virtualization on a VM; netns nodes work without it',
  };
}

/** The nearest existing folder, for statfs of a data root that is not created yet. */
function existingParent(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

export function checkDisk(dataRoot: string, nodes: number): CheckResult {
  const base = { id: 'disk', title: 'Free disk' };
  try {
    const fs = statfsSync(existingParent(dataRoot));
    const free = fs.bavail * fs.bsize;
    // Images, containerd state and the store: about 2 GiB per node plus the control plane.
    const need = (nodes * 2 + 1) * GiB;
    const message = `${gib(free)} free in ${dataRoot} (${nodes} nodes need about ${gib(need)})`;
    if (free < GiB)
      return { ...base, status: 'fail', message, hint: 'free some disk space before creating a cluster' };
    if (free < need)
      return { ...base, status: 'warn', message, hint: 'free some disk space or create fewer nodes' };
    return { ...base, status: 'ok', message };
  } catch (err) {
    return { ...base, status: 'warn', message: `could not check: ${(err as Error).message}` };
  }
}

/** MemAvailable (what can be used without swapping) where Linux tells it, else free memory. */
export function availableMemory(meminfo?: string): number {
  const kb = meminfo && /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
  return kb ? Number(kb) * 1024 : freemem();
}

export function checkMemory(nodes: number, memoryPerNodeMiB: number, available: number): CheckResult {
  const base = { id: 'memory', title: 'Free memory' };
  const need = (nodes * memoryPerNodeMiB + 512) * MiB;
  const message = `${gib(available)} available (${nodes} × ${memoryPerNodeMiB} MiB nodes + control plane need ${gib(need)})`;
  if (available < need / 2)
    return {
      ...base,
      status: 'fail',
      message,
      hint: 'close other programs, or create fewer or smaller nodes',
    };
  if (available < need)
    return {
      ...base,
      status: 'warn',
      message,
      hint: 'nodes may be slow or evict pods: close programs or use fewer nodes',
    };
  return { ...base, status: 'ok', message };
}

async function hostRoutes(): Promise<HostRoute[]> {
  const routes: HostRoute[] = [];
  if (process.platform === 'linux') {
    try {
      const { stdout } = await promisify(execFile)('ip', ['-o', '-4', 'route', 'show', 'table', 'all']);
      routes.push(...parseIpRoutes(stdout));
    } catch {
      // no iproute2: interfaces below still show most VPNs
    }
  }
  for (const [device, addrs] of Object.entries(networkInterfaces())) {
    for (const a of addrs ?? [])
      if (a.family === 'IPv4' && !a.internal)
        routes.push({ destination: interfaceCidr(a.address, a.netmask), device });
  }
  return routes;
}

export async function checkRoutes(routes?: HostRoute[]): Promise<CheckResult> {
  const base = { id: 'routes', title: 'Conflicting routes' };
  const conflicts = findConflicts(routes ?? (await hostRoutes()));
  if (conflicts.length === 0)
    return { ...base, status: 'ok', message: 'nothing routes the pod, service or node ranges' };
  const seen = new Set<string>();
  const lines = conflicts
    .map((c) => `${c.route.destination} on ${c.route.device} overlaps the ${c.range} range ${c.cidr}`)
    .filter((l) => !seen.has(l) && seen.add(l));
  return {
    ...base,
    status: 'warn',
    message: lines.join('; '),
    hint: 'disconnect the VPN (or the tool owning that interface), or choose other pod/service CIDRs in the advanced settings',
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function checkPorts(ports: { port: number; use: string }[]): Promise<CheckResult[]> {
  return Promise.all(
    ports.map(async ({ port, use }): Promise<CheckResult> => {
      const base = { id: `port-${port}`, title: `Port ${port}` };
      if (await portFree(port)) return { ...base, status: 'ok', message: `free (${use})` };
      return {
        ...base,
        status: 'warn',
        message: `already in use on 127.0.0.1 (${use})`,
        hint: `stop what listens there (ss -ltnp 'sport = :${port}'), or pick another port`,
      };
    }),
  );
}

export const defaultPorts = [
  { port: 6443, use: 'Kubernetes API' },
  { port: 8080, use: 'ingress HTTP on localhost' },
  { port: 8443, use: 'ingress HTTPS on localhost' },
];

export async function checkProviders(): Promise<CheckResult> {
  const base = { id: 'providers', title: 'Providers' };
  try {
    const found = await detectAll();
    const entries = Object.entries(found);
    const usable = entries.filter(([, d]) => d.available).map(([name]) => name);
    const missing = entries
      .filter(([, d]) => !d.available)
      .map(([name, d]) => `${name}: ${d.available ? '' : d.reason}`);
    const message = `available: ${usable.join(', ') || 'none'}${missing.length ? `; not here: ${missing.join('; ')}` : ''}`;
    const local = usable.filter((n) => n !== 'ssh');
    if (local.length === 0)
      return {
        ...base,
        status: 'warn',
        message,
        hint: 'install Multipass or VirtualBox for local nodes (only existing SSH hosts can be used now)',
      };
    return { ...base, status: 'ok', message };
  } catch (err) {
    return { ...base, status: 'warn', message: `could not check: ${(err as Error).message}` };
  }
}

export function checkRoot(
  platform: NodeJS.Platform = process.platform,
  uid = process.getuid?.(),
): CheckResult {
  const base = { id: 'root', title: 'Root for netns nodes' };
  if (platform !== 'linux')
    return { ...base, status: 'ok', message: 'not needed: netns nodes are Linux only' };
  if (uid === 0) return { ...base, status: 'ok', message: 'running as root: netns nodes can be created' };
  return {
    ...base,
    status: 'warn',
    message: 'not root: netns nodes (network namespaces) cannot be created',
    hint: 'run Flotilla with sudo for netns nodes, or use Multipass/VirtualBox',
  };
}
