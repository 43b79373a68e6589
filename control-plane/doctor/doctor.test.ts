import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMemory, checkPorts, checkRoot, checkRoutes, checkVirtualization, checkDisk } from './checks.ts';
import { formatReport, runDoctor, summarize } from './index.ts';
import { findConflicts, interfaceCidr, parseIpRoutes } from './routes.ts';

describe('doctor', () => {
  it('finds a VPN route over the service range and ignores our own bridges', async () => {
    const routes = parseIpRoutes(
      [
        'default via 192.0.2.1 dev eth0',
        '10.96.0.0/16 dev tun0 proto static scope link',
        '10.240.51.0/24 dev flt-8944e49 proto kernel scope link src 10.240.51.1',
        '192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2',
      ].join('\n'),
    );
    expect(findConflicts(routes).map((c) => [c.route.device, c.range])).toEqual([['tun0', 'service']]);
    const check = await checkRoutes([
      ...routes,
      { destination: interfaceCidr('10.244.3.7', '255.255.255.0'), device: 'wg0' },
    ]);
    expect(check.status).toBe('warn');
    expect(check.message).toContain('10.96.0.0/16 on tun0 overlaps the service range 10.96.0.0/12');
    expect(check.message).toContain('10.244.3.7/24 on wg0 overlaps the pod range');
    expect(check.hint).toMatch(/VPN/);
    expect((await checkRoutes(routes.filter((r) => r.device !== 'tun0'))).status).toBe('ok');
  });

  it('warns when a port is taken and says how to find the holder', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const [taken] = await checkPorts([{ port, use: 'test' }]);
      expect(taken).toMatchObject({ id: `port-${port}`, status: 'warn' });
      expect(taken!.hint).toContain(`:${port}`);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const [free] = await checkPorts([{ port, use: 'test' }]);
    expect(free!.status).toBe('ok');
  });

  it('reads virtualization from /dev/kvm and the CPU flags', () => {
    const cpuinfo = (flags: string) => () => `processor : 0\nflags\t\t: fpu ${flags} sse\n`;
    expect(checkVirtualization('linux', cpuinfo('vmx'), true).status).toBe('ok');
    const noKvm = checkVirtualization('linux', cpuinfo('svm'), false);
    expect(noKvm).toMatchObject({ status: 'warn', message: expect.stringContaining('AMD-V') });
    expect(noKvm.hint).toContain('modprobe');
    expect(checkVirtualization('linux', cpuinfo(''), false).hint).toContain('firmware');
  });

  it('judges memory and root against what the cluster needs', () => {
    const GiB = 1024 ** 3;
    expect(checkMemory(2, 1024, 8 * GiB).status).toBe('ok');
    expect(checkMemory(4, 1024, 3 * GiB).status).toBe('warn');
    expect(checkMemory(4, 2048, 1 * GiB).status).toBe('fail');
    expect(checkRoot('linux', 1000)).toMatchObject({ status: 'warn', hint: expect.stringContaining('sudo') });
    expect(checkRoot('linux', 0).status).toBe('ok');
  });

  it('measures disk in the nearest existing folder of a data root not created yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-doctor-'));
    try {
      const check = checkDisk(join(dir, 'not', 'yet'), 2);
      expect(['ok', 'warn', 'fail']).toContain(check.status);
      expect(check.message).toMatch(/GiB free in .*not\/yet/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs every check on this host and prints one line per check with a summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-doctor-'));
    try {
      const report = await runDoctor({ dataRoot: dir });
      const ids = report.checks.map((c) => c.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'virtualization',
          'disk',
          'memory',
          'routes',
          'port-6443',
          'providers',
          'root',
        ]),
      );
      const text = formatReport(report);
      expect(text.trim().split('\n').at(-1)).toMatch(/^\d+ ok, \d+ warnings?, \d+ failed$/);
      expect(text).toMatch(/^\[( ok |warn|FAIL)\] Virtualization: /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('summarizes by status', () => {
    const r = summarize([
      { id: 'a', title: 'A', status: 'ok', message: '' },
      { id: 'b', title: 'B', status: 'fail', message: 'x', hint: 'do y' },
    ]);
    expect(r.summary).toEqual({ ok: 1, warn: 0, fail: 1 });
    expect(formatReport(r)).toContain('[FAIL] B: x\n       -> do y');
  });
});
