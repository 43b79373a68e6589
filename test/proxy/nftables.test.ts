// kube-proxy in nftables mode end to end: a real `flotilla serve`, two netns nodes, and
// `flotilla agent` inside each node's network namespace with proxy.mode nftables. Clients are a
// busybox pod (wget through CRI exec) and the host; answers name the pod that served them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../helpers/images.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { waitFor } from '../helpers/server.ts';
import { startProxyCluster, type ProxyCluster } from './proxy-cluster.ts';

const LONG = 180_000;
/** One step's wait inside a test: shorter than the test, so a failure says which step and shows the logs. */
const PHASE = 90_000;

describe.skipIf(netnsSkipReason() !== undefined)('kube-proxy nftables mode on netns nodes', () => {
  let pc: ProxyCluster;

  beforeAll(async () => {
    pc = await startProxyCluster({ nodes: 2, mode: 'nftables' });
    await pc.apply(
      pc.pod('client', 2, { role: 'client' }, BUSYBOX_IMAGE, ['sleep', '3600']),
      pc.pod('web-1', 1, { app: 'web' }),
      pc.pod('web-2', 1, { app: 'web' }),
      pc.pod('web-3', 2, { app: 'web' }),
      pc.service('web', { selector: { app: 'web' } }),
    );
    for (const name of ['client', 'web-1', 'web-2', 'web-3']) await pc.running(name, PHASE);
  }, 400_000);

  afterAll(async () => {
    await pc?.stop();
  }, 300_000);

  it(
    'programs table ip kube-proxy on each node, readable with nft list table',
    async () => {
      const ip = await pc.clusterIP('web');
      // The service chain picks an endpoint and DNATs itself (endpoint chains only with affinity).
      const threeEndpoints =
        /chain service-[A-Z2-7]{8}-default\/web\/tcp\/ \{[^}]*numgen random mod 3 0 meta l4proto tcp dnat to [\d.]+:80\n/;
      for (const node of [1, 2]) {
        // Running pods reach the table once their EndpointSlice does: wait for all three.
        const listing = await waitFor(
          async () => {
            const out = await pc.onNode(node, 'nft', ['list', 'table', 'ip', 'kube-proxy']).catch(() => '');
            return out.includes(`${ip} . tcp . 80`) && threeEndpoints.test(out) ? out : undefined;
          },
          PHASE,
          `table ip kube-proxy on node-${node} has ${ip} with 3 endpoints\n${pc.agentLogs()}`,
        );
        expect(listing).toMatch(
          new RegExp(
            `${ip.replace(/\./g, '\\.')} \\. tcp \\. 80 comment "default/web" : goto service-[A-Z2-7]{8}-default/web/tcp/`,
          ),
        );
        expect(listing).toMatch(threeEndpoints);
        // The agent config's service range (its default, the API server's) reaches the table.
        expect(listing).toContain(
          'ip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs"',
        );
        // Nothing of iptables mode.
        const nat = await pc.onNode(node, 'iptables-save', ['-t', 'nat']);
        expect(nat).not.toContain('KUBE-SERVICES');
      }
    },
    LONG,
  );

  it(
    'a pod reaches a ClusterIP service and the load spreads over every endpoint, on both nodes',
    async () => {
      const ip = await pc.clusterIP('web');
      const seen = await waitFor(
        async () => {
          const names = new Set(await pc.fetchFromPod('client', ip, 80, 30));
          return names.size === 3 && !names.has('FAILED') ? names : undefined;
        },
        PHASE,
        `all three web pods answer through ${ip}\n${pc.agentLogs()}`,
      );
      expect([...seen!].sort()).toEqual(['web-1', 'web-2', 'web-3']);
    },
    LONG,
  );

  it(
    'hairpin: a pod reaches its own service and answers itself',
    async () => {
      await pc.apply(pc.pod('loop', 1, { app: 'loop' }), pc.service('loop', { selector: { app: 'loop' } }));
      await pc.running('loop', PHASE);
      const ip = await pc.clusterIP('loop');
      // Its only endpoint is itself: without masquerading, the pod would get its own SYN from its
      // own address and answer itself directly, and the connection would never complete.
      const answers = await waitFor(
        async () => {
          const got = await pc.fetchFromPod('loop', ip, 80, 3);
          return got.every((a) => a === 'loop') ? got : undefined;
        },
        PHASE,
        `loop reaches itself through ${ip}\n${pc.agentLogs()}`,
      );
      expect(answers).toEqual(['loop', 'loop', 'loop']);
    },
    LONG,
  );

  it(
    'NodePort answers on every node, also the one without an endpoint',
    async () => {
      await pc.apply(
        pc.pod('solo', 1, { app: 'solo' }),
        pc.service('solo', { type: 'NodePort', selector: { app: 'solo' } }),
      );
      await pc.running('solo', PHASE);
      const nodePort = (await pc.getJson(['get', 'service', 'solo'])).spec.ports[0].nodePort;
      for (const node of pc.cluster.nodes) {
        const answer = await waitFor(
          () => pc.fetchFromHost(node.nodeIp, nodePort).catch(() => undefined),
          PHASE,
          `NodePort ${nodePort} on ${node.name}\n${pc.agentLogs()}`,
        );
        expect(answer).toBe('solo');
      }
    },
    LONG,
  );

  it(
    'a service without endpoints refuses connections instead of hanging',
    async () => {
      await pc.apply(pc.service('nothing', { selector: { app: 'nothing-matches' } }));
      const ip = await pc.clusterIP('nothing');
      const answer = await waitFor(
        async () => {
          const [out] = await pc.fetchFromPod('client', ip, 80, 1);
          return out && /refused/i.test(out) ? out : undefined;
        },
        PHASE,
        `${ip} refuses\n${pc.agentLogs()}`,
      );
      expect(answer).toMatch(/Connection refused/);
    },
    LONG,
  );

  it(
    'sessionAffinity ClientIP keeps a client on one endpoint',
    async () => {
      await pc.apply(pc.service('sticky', { selector: { app: 'web' }, sessionAffinity: 'ClientIP' }));
      const ip = await pc.clusterIP('sticky');
      const answers = await waitFor(
        async () => {
          const got = await pc.fetchFromPod('client', ip, 80, 15);
          return got.every((a) => /^web-\d$/.test(a)) ? got : undefined;
        },
        PHASE,
        `sticky answers\n${pc.agentLogs()}`,
      );
      expect(new Set(answers).size).toBe(1);
    },
    LONG,
  );

  it(
    'scaling the endpoints updates the rules',
    async () => {
      const ip = await pc.clusterIP('web');
      await pc.kubectl(['delete', 'pod', 'web-1', 'web-2', '--wait=false']);
      await waitFor(
        async () => {
          const answers = await pc.fetchFromPod('client', ip, 80, 10);
          return answers.every((a) => a === 'web-3') ? answers : undefined;
        },
        PHASE,
        `only web-3 answers\n${pc.agentLogs()}`,
      );
      await pc.apply(pc.pod('web-4', 1, { app: 'web' }));
      await pc.running('web-4', PHASE);
      const names = await waitFor(
        async () => {
          const set = new Set(await pc.fetchFromPod('client', ip, 80, 20));
          return set.has('web-4') && set.has('web-3') ? set : undefined;
        },
        PHASE,
        `web-3 and web-4 answer\n${pc.agentLogs()}`,
      );
      expect([...names!].sort()).toEqual(['web-3', 'web-4']);
    },
    LONG,
  );
});
