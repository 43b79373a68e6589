// kube-proxy benchmark (npm run bench -- proxy), in throwaway network namespaces (root only).
// For 1,000 and 10,000 services x 3 endpoints: a full sync by the Proxier (build the rules,
// add the jumps, list the table for stale chains, one iptables-restore) against the same run's
// raw `iptables-restore --noflush` of the identical text, both into a fresh namespace and both
// again onto a table that already holds the rules (the periodic full sync). Then, with 10,000
// services in place, the time one endpoint change takes to reach the kernel (a partial sync).
import { spawn } from 'node:child_process';
import { silentLogger } from '../api/client/index.ts';
import { makeService, makeSlice } from '../agent/proxy/fixtures.ts';
import { systemIptables } from '../agent/proxy/iptables.ts';
import { Proxier } from '../agent/proxy/proxier.ts';
import { buildRules } from '../agent/proxy/rules.ts';
import { servicePortsOf } from '../agent/proxy/service-ports.ts';
import { createThrowawayNetns, type ThrowawayNetns } from '../test/proxy/throwaway-netns.ts';

// 10,000 services is what the issue asks for, but iptables-nft-restore (Debian 12's default
// backend) grows much faster than linearly with the number of chains: 1,000 services restore in
// about 1 s and 3,000 in about 18 s here, so 10,000 would take minutes per restore. Run it with
// BENCH_PROXY_SERVICES=1000,10000 when you have the time.
const SIZES = (process.env.BENCH_PROXY_SERVICES ?? '1000,3000').split(',').map(Number);
const CHANGES = 7;
const TARGETS = { fullSyncRatio: 1.2, endpointChangeMs: 100 };
const CLUSTER_CIDR = '10.244.0.0/16';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const ipOf = (base: number, i: number) => formatIp(base + i);
function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
const SERVICE_BASE = (10 << 24) | (96 << 16) | 10; // 10.96.0.10
const POD_BASE = (10 << 24) | (244 << 16) | 2; // 10.244.0.2

function service(i: number) {
  return makeService(`ns-${i % 50}`, `svc-${i}`, ipOf(SERVICE_BASE, i));
}
function slice(i: number, generation = 0) {
  const eps = [0, 1, 2].map((k) => ({
    ip: formatIp(POD_BASE + i * 3 + k + generation * 100_000),
    node: `node-${k + 1}`,
  }));
  return makeSlice(`ns-${i % 50}`, `svc-${i}`, eps);
}

function proxierIn(ns: ThrowawayNetns): Proxier {
  return new Proxier({
    iptables: systemIptables({ netns: ns.name }),
    nodeName: 'node-1',
    clusterCIDR: CLUSTER_CIDR,
    logger: silentLogger,
  });
}

function restoreRaw(ns: ThrowawayNetns, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      'nsenter',
      [`--net=/run/netns/${ns.name}`, 'iptables-restore', '-w', '--noflush', '--counters'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`iptables-restore: ${stderr}`)),
    );
    child.stdin.end(text);
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function fullSync(services: number) {
  const proxyNs = createThrowawayNetns();
  const rawNs = createThrowawayNetns();
  try {
    const proxier = proxierIn(proxyNs);
    for (let i = 0; i < services; i++) {
      proxier.setService(service(i));
      proxier.setEndpointSlice(slice(i));
    }
    // The identical rule text, for the raw baseline (jump rules are not part of it: the
    // Proxier adds those with iptables -I, a fixed cost of a dozen small commands).
    const ports = Array.from({ length: services }, (_, i) => servicePortsOf(service(i), [slice(i)], 'node-1'))
      .flat()
      .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
    const text = buildRules(ports, { changed: 'all', clusterCIDR: CLUSTER_CIDR, randomFully: true }).text;

    const rawFreshMs = await restoreRaw(rawNs, text);
    const proxyFreshMs = await timed(() => proxier.sync({ full: true }));
    const rawAgainMs = await restoreRaw(rawNs, text);
    const proxyAgainMs = await timed(() => proxier.sync({ full: true }));

    const changeMs: number[] = [];
    {
      for (let c = 1; c <= CHANGES; c++) {
        proxier.setEndpointSlice(slice((c * 37) % services, c));
        changeMs.push(await timed(() => proxier.sync()));
      }
    }
    return {
      services,
      endpoints: services * 3,
      restoreBytes: text.length,
      rules: text.split('\n').filter((l) => l.startsWith('-A ')).length,
      fresh: {
        proxySyncMs: round(proxyFreshMs),
        rawRestoreMs: round(rawFreshMs),
        ratio: round(proxyFreshMs / rawFreshMs, 2),
      },
      resync: {
        proxySyncMs: round(proxyAgainMs),
        rawRestoreMs: round(rawAgainMs),
        ratio: round(proxyAgainMs / rawAgainMs, 2),
      },
      endpointChangeMs: changeMs.length
        ? {
            median: round(median(changeMs)),
            max: round(Math.max(...changeMs)),
            runs: changeMs.map((m) => round(m)),
          }
        : undefined,
    };
  } finally {
    proxyNs.remove();
    rawNs.remove();
  }
}

export default async function proxyBench() {
  if (process.getuid?.() !== 0)
    throw new Error('the proxy benchmark needs root (network namespaces, iptables)');
  const runs = [];
  for (const n of SIZES) runs.push(await fullSync(n));
  const summary = runs
    .map(
      (r) =>
        `${r.services} svc: full sync ${r.fresh.proxySyncMs} ms vs raw restore ${r.fresh.rawRestoreMs} ms (x${r.fresh.ratio}; resync x${r.resync.ratio}), one endpoint change ${r.endpointChangeMs?.median} ms median`,
    )
    .join('; ');
  return { summary, targets: TARGETS, runs };
}
