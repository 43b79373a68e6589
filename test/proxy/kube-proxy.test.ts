// kube-proxy end to end: a real `flotilla serve`, two netns nodes, and `flotilla agent` running
// inside each node's network namespace with proxy.mode iptables. Clients are real pods (busybox
// wget through CRI exec) and the host; answers name the pod that served them.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../helpers/images.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { waitFor } from '../helpers/server.ts';
import { pidOfContainer, startAgentInNetns } from './agent-in-netns.ts';
import { run, startProxyCluster, type ProxyCluster } from './proxy-cluster.ts';

const LONG = 180_000;
/** One step's wait inside a test: shorter than the test, so a failure says which step and shows the logs. */
const PHASE = 60_000;
const udpPeer = resolve(import.meta.dirname, 'udp-peer.mjs');

describe.skipIf(netnsSkipReason() !== undefined)('kube-proxy on netns nodes', () => {
  let pc: ProxyCluster;
  const udpServers: ReturnType<typeof spawn>[] = [];
  const kubectl = (args: string[], input?: string) => pc.kubectl(args, input);
  const getJson = (args: string[]) => pc.getJson(args);
  const apply = (...objects: object[]) => pc.apply(...objects);
  const agentLogs = () => pc.agentLogs();
  const pod = (...args: Parameters<ProxyCluster['pod']>) => pc.pod(...args);
  const service = (name: string, spec: Record<string, unknown>) => pc.service(name, spec);
  const running = (name: string) => pc.running(name, LONG);
  const clusterIP = (name: string) => pc.clusterIP(name);
  /** `n` requests to http://ip:port from the client pod (on node-2). */
  const fetchFromClient = (ip: string, port: number, n: number) => pc.fetchFromPod('client', ip, port, n);
  const fetchFromHost = (ip: string, port: number) => pc.fetchFromHost(ip, port);

  beforeAll(async () => {
    pc = await startProxyCluster({ nodes: 2, mode: 'iptables' });
    await apply(
      pod('client', 2, { role: 'client' }, BUSYBOX_IMAGE, ['sleep', '3600']),
      pod('web-1', 1, { app: 'web' }),
      pod('web-2', 1, { app: 'web' }),
      pod('web-3', 2, { app: 'web' }),
      service('web', { selector: { app: 'web' } }),
    );
    for (const name of ['client', 'web-1', 'web-2', 'web-3']) await running(name);
  }, 400_000);

  afterAll(async () => {
    for (const s of udpServers) s.kill('SIGKILL');
    await pc?.stop();
  }, 300_000);

  it(
    'programs the upstream chains in each node, visible with iptables -t nat -L',
    async () => {
      const ip = await clusterIP('web');
      for (const node of pc.cluster.nodes) {
        const listing = await waitFor(
          async () => {
            const out = await run('nsenter', [
              `--net=/run/netns/${node.namespace}`,
              'iptables',
              '-t',
              'nat',
              '-L',
              'KUBE-SERVICES',
              '-n',
            ]);
            return out.includes(ip) ? out : undefined;
          },
          LONG,
          `KUBE-SERVICES on ${node.name} has ${ip}\n${agentLogs()}`,
        );
        expect(listing).toMatch(/^Chain KUBE-SERVICES/);
        expect(listing).toMatch(
          new RegExp(
            `KUBE-SVC-[A-Z2-7]{16} .*${ip.replace(/\./g, '\\.')}\\s+/\\* default/web cluster IP \\*/ tcp dpt:80`,
          ),
        );
        expect(listing).toContain('KUBE-NODEPORTS');
      }
    },
    LONG,
  );

  it(
    'a pod reaches a ClusterIP service and the load spreads over every endpoint, on both nodes',
    async () => {
      const ip = await clusterIP('web');
      const seen = await waitFor(
        async () => {
          const answers = await fetchFromClient(ip, 80, 30);
          const names = new Set(answers);
          return names.size === 3 && !names.has('FAILED') ? names : undefined;
        },
        LONG,
        `all three web pods answer through ${ip}\n${agentLogs()}`,
      );
      expect([...seen!].sort()).toEqual(['web-1', 'web-2', 'web-3']);
    },
    LONG,
  );

  it(
    'NodePort answers on every node, also the one without an endpoint',
    async () => {
      await apply(
        pod('solo', 1, { app: 'solo' }),
        service('solo', { type: 'NodePort', selector: { app: 'solo' } }),
      );
      await running('solo');
      const nodePort = (await getJson(['get', 'service', 'solo'])).spec.ports[0].nodePort;
      expect(nodePort).toBeGreaterThanOrEqual(30000);
      for (const node of pc.cluster.nodes) {
        const answer = await waitFor(
          () => fetchFromHost(node.nodeIp, nodePort).catch(() => undefined),
          LONG,
          `NodePort ${nodePort} on ${node.name}\n${agentLogs()}`,
        );
        expect(answer).toBe('solo');
      }
    },
    LONG,
  );

  it(
    'a service without endpoints refuses connections instead of hanging',
    async () => {
      await apply(service('nothing', { selector: { app: 'nothing-matches' } }));
      const ip = await clusterIP('nothing');
      const answer = await waitFor(
        async () => {
          const [out] = await fetchFromClient(ip, 80, 1);
          return out && /refused/i.test(out) ? out : undefined;
        },
        LONG,
        `${ip} refuses\n${agentLogs()}`,
      );
      expect(answer).toMatch(/Connection refused/);
    },
    LONG,
  );

  it(
    'scaling the endpoints updates the rules',
    async () => {
      const ip = await clusterIP('web');
      await kubectl(['delete', 'pod', 'web-1', 'web-2', '--wait=false']);
      await waitFor(
        async () => {
          const answers = await fetchFromClient(ip, 80, 10);
          return answers.every((a) => a === 'web-3') ? answers : undefined;
        },
        LONG,
        `only web-3 answers\n${agentLogs()}`,
      );
      await apply(pod('web-4', 1, { app: 'web' }));
      await running('web-4');
      const names = await waitFor(
        async () => {
          const set = new Set(await fetchFromClient(ip, 80, 20));
          return set.has('web-4') && set.has('web-3') ? set : undefined;
        },
        LONG,
        `web-3 and web-4 answer\n${agentLogs()}`,
      );
      expect([...names!].sort()).toEqual(['web-3', 'web-4']);
    },
    LONG,
  );

  it(
    'sessionAffinity ClientIP keeps a client on one endpoint',
    async () => {
      await apply(service('sticky', { selector: { app: 'web' }, sessionAffinity: 'ClientIP' }));
      const ip = await clusterIP('sticky');
      const answers = await waitFor(
        async () => {
          const got = await fetchFromClient(ip, 80, 15);
          return got.every((a) => a === 'web-3' || a === 'web-4') ? got : undefined;
        },
        LONG,
        `sticky answers\n${agentLogs()}`,
      );
      expect(new Set(answers).size).toBe(1);
    },
    LONG,
  );

  it(
    'UDP reaches a service, and a flow moves on when its endpoint is removed (stale conntrack entries flushed)',
    async () => {
      await apply(
        pod('udp-a', 1, { app: 'udp', active: 'yes' }, BUSYBOX_IMAGE, ['sleep', '3600']),
        pod('udp-b', 2, { app: 'udp', active: 'no' }, BUSYBOX_IMAGE, ['sleep', '3600']),
        service('udp', {
          selector: { app: 'udp', active: 'yes' },
          ports: [{ port: 5300, targetPort: 5300, protocol: 'UDP' }],
        }),
      );
      for (const name of ['udp-a', 'udp-b']) {
        const p = await running(name);
        const pid = pidOfContainer(p.status.containerStatuses[0].containerID.replace('containerd://', ''));
        udpServers.push(
          spawn('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, udpPeer, 'serve', '5300', name], {
            stdio: 'ignore',
          }),
        );
      }
      const ip = await clusterIP('udp');
      const client = await getJson(['get', 'pod', 'client']);
      const clientPid = pidOfContainer(
        client.status.containerStatuses[0].containerID.replace('containerd://', ''),
      );
      const askFrom = (srcPort: string) =>
        run('nsenter', [
          `--net=/proc/${clientPid}/ns/net`,
          process.execPath,
          udpPeer,
          'ask',
          ip,
          '5300',
          srcPort,
        ]).then((s) => s.trim());
      // First from fresh source ports until the rules and udp-a's server are up: a fixed-port flow
      // started before the service's rules existed would stay un-NATed for as long as it is used.
      await waitFor(
        async () => ((await askFrom('0')) === 'udp-a' ? true : undefined),
        PHASE,
        `udp-a answers\n${agentLogs()}`,
      );
      // Then always the same source port: one conntrack flow, as a long-lived UDP client has.
      const ask = () => askFrom('40123');
      await waitFor(
        async () => ((await ask()) === 'udp-a' ? true : undefined),
        PHASE,
        `udp-a answers the fixed-port flow\n${agentLogs()}`,
      );
      await kubectl(['label', 'pod', 'udp-a', 'active=no', '--overwrite']);
      await kubectl(['label', 'pod', 'udp-b', 'active=yes', '--overwrite']);
      // udp-a still runs and would answer this flow if its conntrack entry survived.
      await waitFor(
        async () => ((await ask()) === 'udp-b' ? true : undefined),
        PHASE,
        `udp-b answers\n${agentLogs()}`,
      );
    },
    2 * LONG,
  );

  it(
    'restarting the agent keeps traffic flowing and converges to the same rules',
    async () => {
      const ip = await clusterIP('web');
      const node2 = pc.cluster.nodes[1]!;
      const save = () =>
        run('nsenter', [`--net=/run/netns/${node2.namespace}`, 'iptables-save', '-t', 'nat']);
      const rulesOf = (text: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith('-A KUBE-'))
          .sort();
      const before = rulesOf(await save());
      const during = fetchFromClient(ip, 80, 40);
      await pc.agents[1]!.kill9();
      const config = join(pc.dir, `agent-${node2.name}.yaml`);
      pc.agents[1] = startAgentInNetns(node2, config);
      expect((await during).filter((a) => a !== 'web-3' && a !== 'web-4')).toEqual([]);
      await waitFor(
        async () => (/iptables synced full=true/.test(pc.agents[1]!.output) ? true : undefined),
        LONG,
        `restarted agent synced\n${agentLogs()}`,
      );
      expect(rulesOf(await save())).toEqual(before);
      expect((await fetchFromClient(ip, 80, 5)).filter((a) => a !== 'web-3' && a !== 'web-4')).toEqual([]);
    },
    LONG,
  );
});
