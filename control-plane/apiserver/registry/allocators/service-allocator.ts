// ClusterIP and NodePort allocation for Services (upstream pkg/registry/core/service/ipallocator
// and portallocator): a ClusterIP from the service CIDR (10.96.0.0/12 by default) unless the
// service is headless or an ExternalName, the one asked for if it is free and in range; node
// ports from 30000-32767 for NodePort and LoadBalancer services, and one more node port,
// healthCheckNodePort, for a LoadBalancer with externalTrafficPolicy Local (the port on which
// kube-proxy tells load balancers whether this node has local endpoints). Allocations are given back
// when the service is deleted or no longer needs them, and re-recorded from the stored services
// when the API server starts (a crash between allocating and storing leaks nothing for long).
import { invalid as invalidField } from '../../../../api/validation/errors.ts';
import type { FieldError } from '../../../../api/resource-type.ts';
import type { Backend } from '../../../storage/types.ts';
import { invalid } from '../../status.ts';
import type { HookOutcome, ResourceHooks } from '../hooks.ts';
import type { KubeObject } from '../types.ts';
import { AlreadyAllocatedError, OutOfRangeError, RangeAllocator, RangeFullError } from './range-allocator.ts';

export interface ServiceNetworkOptions {
  /** --service-cluster-ip-range. Default 10.96.0.0/12. */
  serviceCIDR?: string;
  /** --service-node-port-range. Default 30000-32767. */
  nodePortRange?: string;
}

export const defaultServiceCIDR = '10.96.0.0/12';
export const defaultNodePortRange = '30000-32767';

interface Ipv4Range {
  base: number;
  bits: number;
  size: number;
}

function parseRange(cidr: string): Ipv4Range {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || !(bits >= 8 && bits <= 30))
    throw new Error(`invalid service CIDR "${cidr}" (want an IPv4 CIDR between /8 and /30)`);
  const size = 2 ** (32 - bits);
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  return { base: ip - (ip % size), bits, size };
}

const formatIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function parseIp(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1, 5).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

function parsePortRange(range: string): { first: number; size: number } {
  const m = /^(\d+)-(\d+)$/.exec(range);
  const first = m ? Number(m[1]) : NaN;
  const last = m ? Number(m[2]) : NaN;
  if (!m || first < 1 || last > 65535 || last < first)
    throw new Error(`invalid node port range "${range}" (want first-last, e.g. 30000-32767)`);
  return { first, size: last - first + 1 };
}

/** Upstream's static band: the low part of a range kept for values asked for by number. */
const staticBand = (size: number, divisor: number, max: number) =>
  Math.min(Math.max(16, Math.floor(size / divisor)), max);

const needsClusterIP = (svc: KubeObject) =>
  svc.spec?.type !== 'ExternalName' && svc.spec?.clusterIP !== 'None';
const needsNodePorts = (svc: KubeObject) =>
  svc.spec?.type === 'NodePort' ||
  (svc.spec?.type === 'LoadBalancer' && svc.spec?.allocateLoadBalancerNodePorts !== false);
const needsHealthCheckNodePort = (svc: KubeObject) =>
  svc.spec?.type === 'LoadBalancer' && svc.spec?.externalTrafficPolicy === 'Local';
const ownerOf = (svc: KubeObject) => `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
const nodePortsOf = (svc: KubeObject): number[] =>
  (svc.spec?.ports ?? [])
    .map((p: KubeObject) => p.nodePort)
    .filter((n: unknown): n is number => typeof n === 'number' && n > 0);

export class ServiceAllocator {
  readonly cidr: Ipv4Range;
  readonly cidrText: string;
  readonly ports: { first: number; size: number };
  readonly portRangeText: string;
  private readonly ips: RangeAllocator;
  private readonly nodePorts: RangeAllocator;
  private repaired: Promise<void> | undefined;

  constructor(
    backend: Backend,
    opts: ServiceNetworkOptions = {},
    /** The stored services, for the repair at start. */
    private readonly storedServices: () => Promise<KubeObject[]> = async () => [],
  ) {
    this.cidrText = opts.serviceCIDR ?? defaultServiceCIDR;
    this.portRangeText = opts.nodePortRange ?? defaultNodePortRange;
    this.cidr = parseRange(this.cidrText);
    this.ports = parsePortRange(this.portRangeText);
    const size = this.cidr.size;
    this.ips = new RangeAllocator({
      backend,
      prefix: '/registry/flotilla.io/serviceips/',
      size,
      reserved: (o) => o === 0 || o === size - 1,
      staticBelow: staticBand(size, 16, 256),
    });
    this.nodePorts = new RangeAllocator({
      backend,
      prefix: '/registry/flotilla.io/servicenodeports/',
      size: this.ports.size,
      staticBelow: staticBand(this.ports.size, 32, 128),
    });
  }

  /** The address of the `kubernetes` Service: the first in the range (10.96.0.1). */
  get firstIP(): string {
    return formatIp(this.cidr.base + 1);
  }

  /** Record what stored services hold, and drop reservations no service holds (once, at start). */
  private repair(): Promise<void> {
    return (this.repaired ??= (async () => {
      const services = await this.storedServices();
      const ips = new Set<number>();
      const ports = new Set<number>();
      for (const svc of services) {
        const ip = parseIp(svc.spec?.clusterIP ?? '');
        if (ip !== undefined && needsClusterIP(svc)) ips.add(ip - this.cidr.base);
        for (const p of this.heldBy(svc).ports) ports.add(p);
      }
      for (const [alloc, held] of [
        [this.ips, ips],
        [this.nodePorts, ports],
      ] as const) {
        for (const offset of held) await alloc.ensure(offset);
        for (const { offset } of await alloc.entries()) if (!held.has(offset)) await alloc.release(offset);
      }
    })().catch((err) => {
      this.repaired = undefined;
      throw err;
    }));
  }

  hooks(): ResourceHooks {
    return {
      beforeCreate: async (svc) => this.allocateFor(svc, undefined),
      beforeUpdate: async (svc, old) => this.allocateFor(svc, old),
      afterDelete: async (svc) => {
        await this.repair();
        await this.releaseAll(this.heldBy(svc));
      },
    };
  }

  /** Offsets `svc` holds: its ClusterIP, its node ports and its health check node port (hc). */
  private heldBy(svc: KubeObject | undefined): { ip?: number; ports: number[]; hc?: number } {
    if (!svc) return { ports: [] };
    const ip = needsClusterIP(svc) ? parseIp(svc.spec?.clusterIP ?? '') : undefined;
    const hcPort = svc.spec?.healthCheckNodePort;
    const hc =
      needsHealthCheckNodePort(svc) && typeof hcPort === 'number' && hcPort > 0
        ? hcPort - this.ports.first
        : undefined;
    const ports = needsNodePorts(svc) ? nodePortsOf(svc).map((p) => p - this.ports.first) : [];
    return {
      ip: ip === undefined ? undefined : ip - this.cidr.base,
      ports: hc === undefined ? ports : [...ports, hc],
      hc,
    };
  }

  private async releaseAll(held: { ip?: number; ports: number[] }): Promise<void> {
    if (held.ip !== undefined && held.ip >= 0 && held.ip < this.cidr.size) await this.ips.release(held.ip);
    for (const p of new Set(held.ports)) if (p >= 0 && p < this.ports.size) await this.nodePorts.release(p);
  }

  /** Upstream's allocHealthCheckNodePort: the one asked for (kept on update), or any free one. */
  private async allocateHealthCheckNodePort(
    svc: KubeObject,
    oldOffset: number | undefined,
    taken: { ports: number[] },
    errs: FieldError[],
  ): Promise<void> {
    const spec = svc.spec;
    const requested = spec.healthCheckNodePort;
    const owner = ownerOf(svc);
    if (typeof requested === 'number' && requested > 0) {
      const offset = requested - this.ports.first;
      if (offset === oldOffset) return;
      try {
        await this.nodePorts.allocate(offset, owner);
        taken.ports.push(offset);
      } catch (err) {
        const why =
          err instanceof AlreadyAllocatedError
            ? 'provided port is already allocated'
            : err instanceof OutOfRangeError
              ? `provided port is not in the valid range. The range of valid ports is ${this.portRangeText}`
              : (err as Error).message;
        errs.push(
          invalidField(
            'spec.healthCheckNodePort',
            requested,
            `failed to allocate requested HealthCheck NodePort ${requested}: ${why}`,
          ),
        );
      }
      return;
    }
    try {
      const offset = await this.nodePorts.allocateNext(owner);
      taken.ports.push(offset);
      spec.healthCheckNodePort = this.ports.first + offset;
    } catch (err) {
      if (!(err instanceof RangeFullError)) throw err;
      errs.push(
        invalidField(
          'spec.healthCheckNodePort',
          0,
          'failed to allocate a HealthCheck NodePort: range is full',
        ),
      );
    }
  }

  /**
   * Take what `svc` needs and `old` (on update) does not hold yet, writing the allocated values
   * into `svc`. Refuses unavailable requested values with upstream's field errors.
   */
  private async allocateFor(svc: KubeObject, old: KubeObject | undefined): Promise<HookOutcome | undefined> {
    await this.repair();
    const owner = ownerOf(svc);
    const oldHeld = this.heldBy(old);
    const taken: { ip?: number; ports: number[] } = { ports: [] };
    const errs: FieldError[] = [];
    const spec = (svc.spec ??= {});
    try {
      if (needsClusterIP(svc)) {
        const requested = spec.clusterIP as string | undefined;
        if (requested) {
          const ip = parseIp(requested);
          const offset = ip === undefined ? -1 : ip - this.cidr.base;
          if (offset !== oldHeld.ip) {
            try {
              await this.ips.allocate(offset, owner);
              taken.ip = offset;
            } catch (err) {
              const why =
                err instanceof AlreadyAllocatedError
                  ? 'provided IP is already allocated'
                  : err instanceof OutOfRangeError
                    ? `provided IP is not in the valid range. The range of valid IPs is ${this.cidrText}`
                    : (err as Error).message;
              errs.push(
                invalidField('spec.clusterIPs', [requested], `failed to allocate IP ${requested}: ${why}`),
              );
            }
          }
        } else {
          try {
            taken.ip = await this.ips.allocateNext(owner);
            spec.clusterIP = formatIp(this.cidr.base + taken.ip);
            spec.clusterIPs = [spec.clusterIP];
          } catch (err) {
            if (!(err instanceof RangeFullError)) throw err;
            errs.push(invalidField('spec.clusterIPs', [], `failed to allocate a serviceIP: range is full`));
          }
        }
      }
      if (needsNodePorts(svc)) {
        const ports: KubeObject[] = spec.ports ?? [];
        const mine = new Set([...oldHeld.ports, ...taken.ports]);
        // Ports asked for by number first, so a random pick never takes one of them.
        for (const [i, p] of ports.entries()) {
          if (!(typeof p.nodePort === 'number' && p.nodePort > 0)) continue;
          const offset = p.nodePort - this.ports.first;
          if (mine.has(offset)) continue;
          try {
            await this.nodePorts.allocate(offset, owner);
            taken.ports.push(offset);
            mine.add(offset);
          } catch (err) {
            const why =
              err instanceof AlreadyAllocatedError
                ? 'provided port is already allocated'
                : err instanceof OutOfRangeError
                  ? `provided port is not in the valid range. The range of valid ports is ${this.portRangeText}`
                  : (err as Error).message;
            errs.push(invalidField(`spec.ports[${i}].nodePort`, p.nodePort, why));
          }
        }
        for (const [i, p] of ports.entries()) {
          if (typeof p.nodePort === 'number' && p.nodePort > 0) continue;
          try {
            const offset = await this.nodePorts.allocateNext(owner);
            taken.ports.push(offset);
            mine.add(offset);
            p.nodePort = this.ports.first + offset;
          } catch (err) {
            if (!(err instanceof RangeFullError)) throw err;
            errs.push(
              invalidField(`spec.ports[${i}].nodePort`, 0, 'failed to allocate a nodePort: range is full'),
            );
          }
        }
      }
      if (needsHealthCheckNodePort(svc)) await this.allocateHealthCheckNodePort(svc, oldHeld.hc, taken, errs);
    } catch (err) {
      await this.releaseAll(taken);
      throw err;
    }
    if (errs.length > 0) {
      await this.releaseAll(taken);
      throw invalid('Service', '', svc.metadata?.name ?? '', errs);
    }
    const nowHeld = this.heldBy(svc);
    return {
      undo: () => this.releaseAll(taken),
      // What the old version held and this one no longer does goes back.
      commit: async () => {
        const gone = {
          ip: oldHeld.ip !== undefined && oldHeld.ip !== nowHeld.ip ? oldHeld.ip : undefined,
          ports: oldHeld.ports.filter((p) => !nowHeld.ports.includes(p)),
        };
        await this.releaseAll(gone);
      },
    };
  }
}
